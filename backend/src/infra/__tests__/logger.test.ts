import { PassThrough } from 'node:stream';
import { waitFor } from '../../../../jest/wait-for';
import { Router } from 'express';
import request from 'supertest';
import { createApp } from '../../app';
import type { AppContext } from '../../app-context';
import { testConfig } from '../../testing/test-config';
import { capturingLogger } from '../../testing/capturing-logger';
import { createLogger, defaultLogDestination } from '../logger';
import { Metrics } from '../metrics';
import { createOpenApiRegistry } from '../../openapi/registry';

/** A stream that collects what is written, optionally claiming to be a terminal. */
function sink(isTTY: boolean): { out: PassThrough & { isTTY?: boolean }; text: () => string } {
  const out: PassThrough & { isTTY?: boolean } = new PassThrough();
  out.isTTY = isTTY;
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('log output', () => {
  it('writes readable lines to a terminal', async () => {
    const { out, text } = sink(true);
    const destination = defaultLogDestination(out);
    expect(destination).toBeDefined();
    const logger = createLogger('info', 'aiphoto-test', destination);
    logger.info({ taskId: 't1' }, 'task created');
    // pino-pretty hands the line on through a stream pipeline: wait until it arrived.
    await waitFor(text, (t) => t.includes('task created'), { what: 'the pretty line' });
    const line = text();
    expect(line).toContain('INFO');
    expect(line).toContain('task created');
    expect(line).toContain('taskId');
    expect(() => JSON.parse(line)).toThrow(); // not JSON
  });

  it('keeps pino JSON when stdout is not a terminal', () => {
    const { out } = sink(false);
    expect(defaultLogDestination(out)).toBeUndefined();
  });
});

describe('request log level', () => {
  function appAt(requestLogLevel: 'debug' | 'info') {
    const { logger, lines } = capturingLogger();
    const base = testConfig();
    const config = { ...base, http: { ...base.http, requestLogLevel } };
    // createApp reads only the config, the logger, the metrics and the OpenAPI registry.
    const ctx = { config, logger, metrics: new Metrics(), openapi: createOpenApiRegistry() } as unknown as AppContext;
    const router = Router().get('/boom', () => {
      throw new Error('boom');
    });
    const entries = () => lines.map((l) => JSON.parse(l) as { level: number; req?: { url: string } });
    return { app: createApp(ctx, [{ name: 'boom', router }], []), entries };
  }

  it('is debug in the embedded default', () => {
    expect(testConfig().http.requestLogLevel).toBe('debug');
  });

  it.each([
    ['debug', 20],
    ['info', 30],
  ] as const)('logs an answered request at %s and a 5xx at error', async (requestLogLevel, level) => {
    const { app, entries } = appAt(requestLogLevel);
    await request(app).get('/nowhere').expect(404);
    await request(app).get('/boom').expect(500);
    const byUrl = (url: string) => entries().find((e) => e.req?.url === url)?.level;
    expect(byUrl('/nowhere')).toBe(level);
    expect(byUrl('/boom')).toBe(50);
  });
});
