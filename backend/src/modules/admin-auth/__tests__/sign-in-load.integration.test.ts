import request from 'supertest';
import { fullApp, type FullApp } from '../../../testing/full-app';
import type { PasswordHasher } from '../password-hasher';
import { waitFor } from '../../../../../jest/wait-for';

/**
 * The hardening issue's repro: 24 concurrent console sign-ins with random unknown usernames
 * (no authentication needed) froze the whole backend, because bcryptjs hashed on the event
 * loop. With the default cost (12) the hashes now run on the thread pool, two at a time, and
 * the process keeps serving meanwhile.
 */
describe('console sign-ins under load (whole app, SQLite, default bcrypt cost)', () => {
  let t: FullApp;
  let hasher: PasswordHasher;

  beforeAll(async () => {
    t = await fullApp();
    hasher = (t.backend.modules.find((m) => m.name === 'admin-auth') as unknown as { api: { hasher: PasswordHasher } })
      .api.hasher;
  });
  afterAll(() => t?.close());

  it('answers /health while 24 sign-ins with unknown usernames are being hashed', async () => {
    let finished = 0;
    const signIns = Array.from({ length: 24 }, (_, i) =>
      request(t.app)
        .post('/api/v1/admin/login')
        .send({ username: `random-${i}-${Math.random().toString(36).slice(2)}`, password: 'guess-guess' })
        .then((res) => {
          finished++;
          return res;
        }),
    );
    await waitFor(
      () => hasher.load.active,
      (active) => active > 0,
    );
    const health = await request(t.app).get('/health');
    expect(health.status).toBe(200);
    // It answered while sign-ins were still being hashed, not after them.
    expect(finished).toBeLessThan(24);
    expect(hasher.load.active).toBeLessThanOrEqual(2);

    const answers = await Promise.all(signIns);
    for (const res of answers) {
      expect([401, 503]).toContain(res.status);
      expect(res.body.error.code).toBe(res.status === 401 ? 'INVALID_CREDENTIALS' : 'SIGN_IN_BUSY');
    }
    expect(answers.filter((res) => res.status === 401).length).toBeGreaterThanOrEqual(18);
  });
});
