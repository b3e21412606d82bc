import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { accessLog } from '../http/access-log';
import { errorHandler } from '../http/error-middleware';
import { buildBackend } from '../bootstrap';
import { createLogger } from '../infra/logger';
import { createTestDatabase, type TestDatabase } from '../testing/test-db';
import { testConfig } from '../testing/test-config';

describe('request logs', () => {
  let db: TestDatabase;
  let backend: Awaited<ReturnType<typeof buildBackend>>;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // Debug: outside production the line per request is logged at debug (config.http.requestLogLevel).
    backend = await buildBackend(testConfig({}, db.config), { logger: createLogger('debug', 'test', sink) });
  });
  afterAll(async () => {
    await backend.close();
    await db.drop();
  });

  const parsed = () =>
    lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('never carry API keys, bearer tokens or cookies in clear', async () => {
    const answer = await request(backend.app)
      .get('/api/v1/tasks')
      .set('X-API-Key', 'ak_abcdef_the-secret-part-of-the-key')
      .set('Authorization', 'Bearer the-bearer-token-value')
      .set('Cookie', 'session=the-cookie-value')
      .expect(401);
    const line = parsed().find((l) => l.msg === 'request completed' && l.reqId === answer.headers['x-request-id']);
    // The line is there, with what an operator needs, and no header at all.
    expect(line).toMatchObject({ level: 20, req: { method: 'GET', url: '/api/v1/tasks' }, res: { statusCode: 401 } });
    expect(typeof line?.responseTime).toBe('number');
    const logged = lines.join('');
    for (const secret of ['the-secret-part-of-the-key', 'the-bearer-token-value', 'the-cookie-value']) {
      expect(logged).not.toContain(secret);
    }
  });

  it("log nothing per request when the level is off, and keep the caller's request id", async () => {
    const quiet: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        quiet.push(chunk.toString());
        done();
      },
    });
    const info = await buildBackend(testConfig({}, db.config), { logger: createLogger('info', 'test', sink) });
    try {
      const res = await request(info.app).get('/api/v1/tasks').set('X-Request-Id', 'trace-42').expect(401);
      expect(res.headers['x-request-id']).toBe('trace-42');
      expect(quiet.join('')).not.toContain('request completed');
    } finally {
      await info.close();
    }
  });

  it("log an unhandled error through the request's own logger, under its request id", async () => {
    const errors: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        errors.push(chunk.toString());
        done();
      },
    });
    const app = express();
    app.use(accessLog(createLogger('info', 'test', sink), { level: 'debug' }));
    app.get('/boom', () => {
      throw new Error('the unexpected');
    });
    app.use(errorHandler);
    const answer = await request(app).get('/boom').set('X-Request-Id', 'req-boom-1').expect(500);
    expect(answer.headers['x-request-id']).toBe('req-boom-1');
    const logged = errors
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.msg === 'unhandled error')).toMatchObject({ reqId: 'req-boom-1', level: 50 });
    // The 500 is logged at error whatever the request level (debug is off here).
    expect(logged.find((l) => l.msg === 'request completed')).toMatchObject({ reqId: 'req-boom-1', level: 50 });
  });
});
