import request from 'supertest';
import { startBackend, type RunningBackend } from '../../bootstrap';
import { testConfig } from '../../testing/test-config';
import { createTestDatabase, type TestDatabase } from '../../testing/test-db';

/**
 * `GET /health` on the listening server is answered before Express (http/fast-health.ts); the
 * Express route still answers when the app is driven directly. Both must be the same answer.
 */
describe('GET /health answered before Express', () => {
  let db: TestDatabase;
  let backend: RunningBackend;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    backend = await startBackend(testConfig({}, db.config));
  });

  afterAll(async () => {
    await backend?.close();
    await db?.drop();
  });

  // Headers that differ between any two answers.
  const varying = new Set(['date', 'x-request-id', 'content-length', 'connection', 'keep-alive']);
  const stable = (headers: Record<string, string>) =>
    Object.fromEntries(Object.entries(headers).filter(([name]) => !varying.has(name)));

  it('gives the same body and headers as the Express route', async () => {
    // JSON answers carry no ETag on either path (app.ts).
    const fast = await request(backend.url).get('/health').expect(200);
    const routed = await request(backend.app).get('/health').expect(200);
    expect(fast.body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
    expect(Math.abs(fast.body.uptimeSeconds - routed.body.uptimeSeconds)).toBeLessThanOrEqual(1);
    expect(stable(fast.headers)).toEqual(stable(routed.headers));
    expect(fast.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(fast.headers['x-content-type-options']).toBe('nosniff');
    expect(fast.headers['content-security-policy']).toContain("default-src 'self'");
    expect(Number(fast.headers['content-length'])).toBe(Buffer.byteLength(fast.text));
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await request(backend.url).get('/health').set('X-Request-Id', 'probe-42').expect(200);
    expect(echoed.headers['x-request-id']).toBe('probe-42');
    const replaced = await request(backend.url).get('/health').set('X-Request-Id', 'no spaces<>').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts fast answers in the request metrics under the /health route', async () => {
    const count = async () => {
      const text = (await request(backend.url).get('/metrics').expect(200)).text;
      const line = /aiphoto_http_requests_total\{method="GET",route="\/health",status="200"\} (\d+)/.exec(text);
      return Number(line?.[1] ?? 0);
    };
    const before = await count();
    for (let i = 0; i < 3; i++) await request(backend.url).get('/health').expect(200);
    expect(await count()).toBe(before + 3);
  });

  it('leaves every other request to Express', async () => {
    // Express's app function hands every request to app.handle (not in its public types).
    const express = backend.app as unknown as { handle: (...args: unknown[]) => void };
    const handle = jest.spyOn(express, 'handle');
    try {
      await request(backend.url).get('/health').expect(200);
      expect(handle).not.toHaveBeenCalled();
      // A query string, HEAD and other paths take the Express route.
      const withQuery = await request(backend.url).get('/health?probe=1').expect(200);
      expect(withQuery.body.status).toBe('ok');
      await request(backend.url).head('/health').expect(200);
      const missing = await request(backend.url).get('/healthz').expect(404);
      expect(missing.body.error.code).toBe('ROUTE_NOT_FOUND');
      expect(handle).toHaveBeenCalledTimes(3);
    } finally {
      handle.mockRestore();
    }
  });
});
