import request from 'supertest';
import { buildBackend } from '../bootstrap';
import { createTestDatabase, drivers, type TestDatabase } from '../testing/test-db';
import { testConfig, testRedisUrl } from '../testing/test-config';

describe.each(drivers)('the backend app on %s', (driver) => {
  let db: TestDatabase;
  let backend: Awaited<ReturnType<typeof buildBackend>>;

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    await db.ds.destroy(); // the app opens its own connection to the migrated database
    const overrides: Record<string, string> =
      driver === 'mysql' ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:${Date.now()}:` } : {};
    backend = await buildBackend(testConfig(overrides, db.config));
  });

  afterAll(async () => {
    await backend.close();
    await db.drop();
  });

  it('answers /health', async () => {
    const res = await request(backend.app).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
    expect(res.headers['x-request-id']).toMatch(/[\w-]+/);
  });

  it('reports each dependency in /ready', async () => {
    const res = await request(backend.app).get('/ready').expect(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.checks.database).toEqual({ status: 'ok', code: 'OK', ms: expect.any(Number) });
    if (driver === 'mysql') expect(res.body.checks.redis.status).toBe('ok');
    else expect(res.body.checks.redis).toBeUndefined();
  });

  it('exposes Prometheus metrics with request counts by route', async () => {
    await request(backend.app).get('/health');
    const res = await request(backend.app).get('/metrics').expect(200);
    expect(res.text).toMatch(/aiphoto_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(res.text).toContain('aiphoto_http_request_duration_seconds_bucket');
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await request(backend.app).get('/api/docs').set('Accept', 'application/json').expect(200);
    expect(res.body.openapi).toBe('3.0.3');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
    const html = await request(backend.app).get('/api/docs/').set('Accept', 'text/html').expect(200);
    expect(html.text).toContain('swagger-ui');
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await request(backend.app).get('/nope').expect(404);
    expect(res.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route for GET /nope' } });
  });

  it('answers malformed JSON with 400 VALIDATION_FAILED and no stack', async () => {
    const res = await request(backend.app)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('refuses bodies over the JSON limit with 413', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(1_100_000) });
    const res = await request(backend.app)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send(big)
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('readiness when a dependency is down', () => {
  it('reports n8n not ready with a stable code', async () => {
    const db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    const backend = await buildBackend(testConfig({ N8N_BASE_URL: 'http://127.0.0.1:9' }, db.config));
    try {
      const res = await request(backend.app).get('/ready').expect(503);
      expect(res.body.status).toBe('not_ready');
      // Port 9 is one fetch refuses to use: the check fails without a connection error.
      expect(res.body.checks.n8n).toEqual({ status: 'down', code: 'CHECK_FAILED', ms: expect.any(Number) });
      expect(res.body.checks.database.status).toBe('ok');
    } finally {
      await backend.close();
      await db.drop();
    }
  });
});
