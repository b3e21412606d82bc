import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** Where log lines go by default: readable lines on a terminal, JSON lines otherwise (files, pipes, collectors). */
export function defaultLogDestination(out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout) {
  if (!out.isTTY) return undefined; // pino's own stdout writer: one JSON object per line
  // In-process (no transport worker thread), so nothing outlives the logger.
  return pretty({ destination: out, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/**
 * Structured logs; credentials that may appear in requests and answers are redacted: bearer
 * tokens and API keys (`Authorization`, `X-API-Key`), cookies both ways, signatures. Without a
 * `destination`, lines go to stdout, pretty-printed when it is a terminal (pino-pretty) and as
 * JSON otherwise.
 */
export function createLogger(level: string, name = 'aiphoto-backend', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'req.headers["x-aiphoto-signature"]',
        '*.password',
        '*.code',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  };
  const out = destination ?? defaultLogDestination();
  return out ? pino(options, out) : pino(options);
}
