import request from 'supertest';
import { drivers } from '../../../testing/test-db';
import { freshClient, startIdentityApp, type IdentityApp } from './identity-app';

describe.each(drivers)('the /api/v1 rate limit on %s', (driver) => {
  let t: IdentityApp;
  const get = (path: string, ip: string, token?: string) => {
    const req = request(t.backend.app).get(path).set('X-Forwarded-For', ip);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };

  beforeAll(async () => {
    t = await startIdentityApp(driver, { env: { RATE_LIMIT_API_PER_15MIN: '3' } });
  });
  afterAll(() => t.close());

  it('allows the configured requests per client, then 429 with Retry-After', async () => {
    const { ip } = freshClient();
    for (let i = 0; i < 3; i++) {
      const ok = await get('/api/v1/test/whoami', ip).expect(401);
      expect(ok.headers['ratelimit-remaining']).toBe(String(2 - i));
    }
    const res = await get('/api/v1/test/whoami', ip).expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
  });

  it('counts a signed-in merchant by user id, not by address', async () => {
    const shared = freshClient().ip;
    const alice = t.jwt.sign('aiphoto-merchant', { sub: 'user-alice', phone: '13900000001' });
    const bob = t.jwt.sign('aiphoto-merchant', { sub: 'user-bob', phone: '13900000002' });
    for (let i = 0; i < 3; i++) await get('/api/v1/test/whoami', shared, alice).expect(200);
    await get('/api/v1/test/whoami', shared, alice).expect(429);
    // Same address, different account: its own budget; the anonymous IP budget is untouched too.
    await get('/api/v1/test/whoami', shared, bob).expect(200);
    await get('/api/v1/test/whoami', shared).expect(401);
    // Alice moving to another network keeps her spent budget.
    await get('/api/v1/test/whoami', freshClient().ip, alice).expect(429);
  });

  it('does not count signed server-to-server paths nor anything outside /api/v1', async () => {
    const { ip } = freshClient();
    for (let i = 0; i < 5; i++) {
      await request(t.backend.app).post('/api/v1/internal/test/ping').set('X-Forwarded-For', ip).expect(200);
      await request(t.backend.app).get('/health').set('X-Forwarded-For', ip).expect(200);
    }
    await get('/api/v1/test/whoami', ip).expect(401);
  });
});
