import bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createDataSource } from '../../../db/data-source';
import { createLogger } from '../../../infra/logger';
import { MemoryKeyValueStore } from '../../../infra/kv';
import { createTestUser } from '../../../testing/money-factories';
import { drivers } from '../../../testing/test-db';
import { JwtService } from '../../auth/jwt.service';
import { freshClient, JWT_SECRET, startIdentityApp, type IdentityApp } from '../../auth/__tests__/identity-app';
import { AdminUsersRepository } from '../admin-auth.repository';
import { AdminAuthService, DEFAULT_ADMIN_AUTH_POLICY } from '../admin-auth.service';
import { PasswordHasher } from '../password-hasher';

interface AdminRow {
  id: string;
  username: string;
  password_hash: string;
  role: string;
}

describe.each(drivers)('admin accounts on %s', (driver) => {
  let t: IdentityApp;
  const api = () => request(t.backend.app);
  const admins = () => t.backend.ctx.db.query('SELECT * FROM admin_users ORDER BY created_at') as Promise<AdminRow[]>;
  const adminLogin = (username: string, password: string, ip = freshClient().ip) =>
    api().post('/api/v1/admin/login').set('X-Forwarded-For', ip).send({ username, password });
  const repo = new AdminUsersRepository();
  const addOperator = async (username: string, password: string) =>
    repo.insert(t.backend.ctx.db.manager, {
      username,
      passwordHash: await bcrypt.hash(password, 4),
      role: 'operator',
      now: new Date(),
    });

  beforeAll(async () => {
    t = await startIdentityApp(driver);
  });
  afterAll(() => t.close());

  it('creates the configured first admin on start, with a bcrypt hash', async () => {
    const rows = await admins();
    expect(rows).toEqual([expect.objectContaining({ username: 'root', role: 'admin' })]);
    expect(rows[0].password_hash).toMatch(/^\$2[aby]\$/);
    expect(await bcrypt.compare('Bootstrap-Pass-1', rows[0].password_hash)).toBe(true);
  });

  it('creates the first admin once, even when several processes start together', async () => {
    // Separate connections stand in for separate processes racing on the same database.
    const services = await Promise.all(
      [1, 2, 3].map(async () => {
        const ds = createDataSource(t.db.config);
        await ds.initialize();
        return {
          ds,
          service: new AdminAuthService({
            db: ds,
            kv: new MemoryKeyValueStore(),
            admins: repo,
            jwt: t.jwt,
            logger: createLogger('silent'),
            hasher: new PasswordHasher(4, 2),
            bootstrap: { username: 'root', password: 'Bootstrap-Pass-1' },
            policy: { ...DEFAULT_ADMIN_AUTH_POLICY, bcryptRounds: 4 },
          }),
        };
      }),
    );
    try {
      const again = await Promise.all(services.map((s) => s.service.ensureBootstrapAdmin()));
      expect(again.map((r) => r.created)).toEqual([false, false, false]);
      await t.backend.ctx.db.query('DELETE FROM admin_users');
      const created = await Promise.all(services.map((s) => s.service.ensureBootstrapAdmin()));
      expect(created.filter((r) => r.created)).toHaveLength(1);
      expect((await admins()).map((a) => a.username)).toEqual(['root']);
    } finally {
      await Promise.all(services.map((s) => s.ds.destroy()));
    }
    await adminLogin('root', 'Bootstrap-Pass-1').expect(200);
  });

  it('logs an admin in and answers /admin/me', async () => {
    const [root] = await admins();
    const res = await adminLogin('root', 'Bootstrap-Pass-1').expect(200);
    expect(res.body.admin).toEqual({ id: root.id, username: 'root', role: 'admin' });
    expect(t.jwt.verify('aiphoto-admin', res.body.token)).toMatchObject({
      sub: root.id,
      username: 'root',
      role: 'admin',
    });
    const me = await api().get('/api/v1/admin/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body).toEqual({ id: root.id, username: 'root', role: 'admin' });
  });

  it('answers the same 401 for a wrong password and an unknown username', async () => {
    await addOperator('op-wrongpw', 'Operator-Pass-1');
    const wrong = await adminLogin('op-wrongpw', 'nope-nope').expect(401);
    const unknown = await adminLogin('nobody-here', 'nope-nope').expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('gives operators 403 on admin-only routes and lets admins through', async () => {
    await addOperator('op-role', 'Operator-Pass-1');
    const op = await adminLogin('op-role', 'Operator-Pass-1').expect(200);
    expect(op.body.admin.role).toBe('operator');
    await api().get('/api/v1/admin/me').set('Authorization', `Bearer ${op.body.token}`).expect(200);
    const denied = await api()
      .get('/api/v1/admin/test/admin-only')
      .set('Authorization', `Bearer ${op.body.token}`)
      .expect(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    const adminToken = t.jwt.sign('aiphoto-admin', { sub: (await admins())[0].id, username: 'root', role: 'admin' });
    await api().get('/api/v1/admin/test/admin-only').set('Authorization', `Bearer ${adminToken}`).expect(200);
  });

  it('limits sign-in attempts per username, with Retry-After', async () => {
    await addOperator('op-limited', 'Operator-Pass-1');
    for (let i = 0; i < 10; i++) await adminLogin('op-limited', `wrong-${i}`).expect(401);
    const res = await adminLogin('op-limited', 'Operator-Pass-1').expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits sign-in attempts per IP across usernames', async () => {
    const { ip } = freshClient();
    for (let i = 0; i < 30; i++) await adminLogin(`someone-${i}`, 'wrong-pass', ip).expect(401);
    await adminLogin('root', 'Bootstrap-Pass-1', ip).expect(429);
  });

  it('stops honouring a token once its account is deleted', async () => {
    const id = await addOperator('op-deleted', 'Operator-Pass-1');
    const token = (await adminLogin('op-deleted', 'Operator-Pass-1').expect(200)).body.token as string;
    await t.backend.ctx.db.query('DELETE FROM admin_users WHERE id = ?', [id]);
    await api().get('/api/v1/admin/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  describe('token boundaries over HTTP', () => {
    // A merchant that exists: tokens of unknown users are refused (their sign-in has ended).
    let merchantId = '';
    beforeAll(async () => {
      merchantId = await createTestUser(t.backend.ctx.db.manager, { phone: '13800138000' });
    });
    const merchantToken = () => t.jwt.sign('aiphoto-merchant', { sub: merchantId, phone: '13800138000' });
    const adminToken = () => t.jwt.sign('aiphoto-admin', { sub: 'admin-x', username: 'root', role: 'admin' });

    it('refuses a merchant token on admin routes and an admin token on merchant routes', async () => {
      expect(
        (await api().get('/api/v1/admin/me').set('Authorization', `Bearer ${merchantToken()}`).expect(401)).body.error
          .code,
      ).toBe('INVALID_TOKEN');
      expect(
        (await api().get('/api/v1/test/whoami').set('Authorization', `Bearer ${adminToken()}`).expect(401)).body.error
          .code,
      ).toBe('INVALID_TOKEN');
    });

    it('refuses a changed payload, a foreign secret, alg none, an expired token and no token', async () => {
      const [header, payload, signature] = merchantToken().split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const tampered = `${header}.${b64({ ...claims, sub: 'user-y' })}.${signature}`;
      const foreign = new JwtService('a-different-secret-0123456789', 3600).sign('aiphoto-merchant', {
        sub: merchantId,
        phone: '13800138000',
      });
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
      const expired = jwt.sign({ phone: '13800138000', exp: Math.floor(Date.now() / 1000) - 1 }, JWT_SECRET, {
        algorithm: 'HS256',
        issuer: 'aiphoto',
        audience: 'aiphoto-merchant',
        subject: merchantId,
      });
      for (const token of [tampered, foreign, none, expired]) {
        expect(
          (await api().get('/api/v1/test/whoami').set('Authorization', `Bearer ${token}`).expect(401)).body.error.code,
        ).toBe('INVALID_TOKEN');
      }
      expect((await api().get('/api/v1/test/whoami').expect(401)).body.error.code).toBe('UNAUTHORIZED');
      await api().get('/api/v1/test/whoami').set('Authorization', `Bearer ${merchantToken()}`).expect(200);
    });
  });
});
