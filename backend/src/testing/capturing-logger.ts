import { Writable } from 'node:stream';
import pino from 'pino';

/** A debug-level logger whose lines a test can read back (what was logged, and what never was). */
export function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}
