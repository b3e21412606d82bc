import request from 'supertest';
import { drivers } from '../../../testing/test-db';
import { UsersRepository } from '../../users/users.repository';
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
    // Real accounts: a merchant token is accepted only while its account's sessions are on.
    const token = async (phone: string) => {
      const user = await new UsersRepository().findOrCreateUser(t.backend.ctx.db.manager, phone);
      return t.jwt.sign('aiphoto-merchant', { sub: user.id, phone });
    };
    const alice = await token('13900000001');
    const bob = await token('13900000002');
    for (let i = 0; i < 3; i++) await get('/api/v1/test/whoami', shared, alice).expect(200);
    await get('/api/v1/test/whoami', shared, alice).expect(429);
    // Same address, different account: its own budget; the anonymous IP budget is untouched too.
    await get('/api/v1/test/whoami', shared, bob).expect(200);
    await get('/api/v1/test/whoami', shared).expect(401);
    // Alice moving to another network keeps her spent budget.
    await get('/api/v1/test/whoami', freshClient().ip, alice).expect(429);
  });

  it('verifies a token once per request, though the limit and the route both need its claims', async () => {
    const user = await new UsersRepository().findOrCreateUser(t.backend.ctx.db.manager, '13900000003');
    const token = t.jwt.sign('aiphoto-merchant', { sub: user.id, phone: '13900000003' });
    const verify = jest.spyOn(t.jwt, 'verify');
    try {
      const res = await get('/api/v1/test/whoami', freshClient().ip, token).expect(200);
      expect(res.body.id).toBe(user.id);
      expect(verify).toHaveBeenCalledTimes(1);
      // A bad token: refused by the route (401), counted under the address, still checked once per audience.
      verify.mockClear();
      const bad = await get('/api/v1/test/whoami', freshClient().ip, `${token}x`).expect(401);
      expect(bad.body.error.code).toBe('INVALID_TOKEN');
      expect(verify.mock.calls.map(([audience]) => audience)).toEqual(['aiphoto-merchant', 'aiphoto-admin']);
    } finally {
      verify.mockRestore();
    }
  });

  it('takes the address our one trusted proxy saw, so a client cannot rotate a forged X-Forwarded-For', async () => {
    const { ip } = freshClient();
    // The proxy appends the peer it saw; whatever the client wrote before it is not trusted.
    for (let i = 0; i < 3; i++) await get('/api/v1/test/whoami', `203.0.113.${i + 1}, ${ip}`).expect(401);
    await get('/api/v1/test/whoami', `198.51.100.99, ${ip}`).expect(429);
  });

  it('counts IPv6 clients by /64, so one subscriber cannot rotate through its addresses', async () => {
    const prefix = `2001:db8:${(Date.now() % 0xffff).toString(16)}:${driver === 'mysql' ? '1' : '2'}`;
    for (let i = 1; i <= 3; i++) await get('/api/v1/test/whoami', `${prefix}::${i.toString(16)}`).expect(401);
    await get('/api/v1/test/whoami', `${prefix}:ffff:ffff:ffff:fffe`).expect(429);
    // The neighbouring /64 is another subscriber.
    await get('/api/v1/test/whoami', `2001:db8:ffff:${driver === 'mysql' ? '3' : '4'}::1`).expect(401);
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
