import request from 'supertest';
import { buildBackend } from '../bootstrap';
import { routerPrefixes } from '../http/route-gate';
import { createTestDatabase, type TestDatabase } from '../testing/test-db';
import { testConfig } from '../testing/test-config';

/**
 * The app's module routers are each entered only under their own path prefixes
 * (http/route-gate.ts). If a module gains a root-level middleware, every request walks it
 * again: this test names the module so the regression is seen.
 */
describe('module routers behind their path prefixes', () => {
  let db: TestDatabase;
  let backend: Awaited<ReturnType<typeof buildBackend>>;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    backend = await buildBackend(testConfig({}, db.config));
  });
  afterAll(async () => {
    await backend.close();
    await db.drop();
  });

  it('every API module declares its prefixes; only the static files answer any path', () => {
    const ungated = backend.modules.filter((m) => m.router && !routerPrefixes(m.router)).map((m) => m.name);
    // The static files (the portal's SPA fallback) may answer any path; nothing else may.
    expect(ungated.filter((name) => name !== 'static')).toEqual([]);
    expect(backend.modules.filter((m) => m.router).length).toBeGreaterThan(8);
    const prefixes = backend.modules.flatMap((m) => (m.router ? (routerPrefixes(m.router) ?? []) : []));
    expect(prefixes.every((p) => p.startsWith('/'))).toBe(true);
    expect(prefixes.some((p) => '/api/v1/tasks/x'.startsWith(p))).toBe(true);
  });

  it('still answers routes of every kind through the gates', async () => {
    await request(backend.app).get('/api/v1/task-types').expect(200);
    await request(backend.app).get('/api/v1/tasks/abc').expect(401);
    await request(backend.app).get('/api/v1/nope').expect(404);
    await request(backend.app).get('/api/docs.json').expect(200);
  });
});
