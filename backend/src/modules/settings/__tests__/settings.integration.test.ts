import request from 'supertest';
import { buildBackend } from '../../../bootstrap';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig } from '../../../testing/test-config';
import { AdminUsersRepository } from '../../admin-auth/admin-auth.repository';
import { JwtService } from '../../auth/jwt.service';

describe.each(drivers)('runtime settings on %s', (driver) => {
  let db: TestDatabase;
  let backend: Awaited<ReturnType<typeof buildBackend>>;
  let admin = '';
  let operator = '';

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    await db.ds.destroy();
    // The SMS vendor points at nothing: a send fails after the caps have counted it.
    backend = await buildBackend(
      testConfig(
        {
          PLAN_MONTHLY_QUOTA: '100',
          MEMBERSHIP_PRICE: '9900',
          SANDBOX_URL: 'http://127.0.0.1:9',
          SMS_DAILY_BUDGET: '50',
        },
        db.config,
      ),
    );
    const jwt = new JwtService(backend.ctx.config.auth.jwtSecret, 3600);
    // requireAdmin checks that the token's account exists and is active, so the tokens name real accounts.
    const account = (username: string, role: 'admin' | 'operator') =>
      new AdminUsersRepository().insert(backend.ctx.db.manager, {
        username,
        passwordHash: 'unused',
        role,
        now: new Date(),
      });
    admin = jwt.sign('aiphoto-admin', {
      sub: await account('settings-admin', 'admin'),
      username: 'settings-admin',
      role: 'admin',
    });
    operator = jwt.sign('aiphoto-admin', {
      sub: await account('settings-op', 'operator'),
      username: 'settings-op',
      role: 'operator',
    });
  });
  afterAll(async () => {
    await backend.close();
    await db.drop();
  });

  const put = (key: string, value: unknown, token = admin) =>
    request(backend.app).put(`/api/v1/admin/settings/${key}`).set('Authorization', `Bearer ${token}`).send({ value });

  it('lists every setting with its env default', async () => {
    const res = await request(backend.app)
      .get('/api/v1/admin/settings')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'plan.price_fen', value: 9900, defaultValue: 9900, overridden: false }),
        expect.objectContaining({ key: 'plan.days', value: 30, overridden: false }),
      ]),
    );
  });

  it('applies a changed daily SMS cap per phone to the next send', async () => {
    const list = await request(backend.app).get('/api/v1/admin/settings').set('Authorization', `Bearer ${admin}`);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'sms.per_phone_per_day', value: 10, overridden: false }),
        expect.objectContaining({ key: 'sms.daily_budget', value: 50, defaultValue: 50, overridden: false }),
      ]),
    );
    await put('sms.per_phone_per_day', 1).expect(200);
    const send = () => request(backend.app).post('/api/v1/auth/send-code').send({ phone: '13912340001' });
    await send().expect(502); // counted, then the unreachable vendor fails (and releases the cooldown)
    const capped = await send().expect(429);
    expect(capped.body.error.message).toMatch(/too many codes today/);
    await put('sms.per_phone_per_day', null).expect(200);
    await send().expect(502);
  });

  it('changes the price of the next purchase and resets it', async () => {
    expect((await put('plan.price_fen', 19900).expect(200)).body).toMatchObject({ value: 19900, overridden: true });
    const plans = await request(backend.app).get('/api/v1/membership/plans').expect(200);
    expect(plans.body.plans[0]).toMatchObject({ priceFen: 19900, credits: 100 });
    expect((await put('plan.price_fen', 19800).expect(200)).body.value).toBe(19800);
    const stored = await backend.ctx.db.query('SELECT `value` FROM settings WHERE `key` = ?', ['plan.price_fen']);
    expect(stored).toEqual([{ value: '19800' }]);
    expect((await put('plan.price_fen', null).expect(200)).body).toMatchObject({ value: 9900, overridden: false });
    expect((await request(backend.app).get('/api/v1/membership/plans')).body.plans[0].priceFen).toBe(9900);
  });

  it('refuses bad values, unknown keys and non-admins', async () => {
    expect((await put('plan.price_fen', -5).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await put('plan.days', 0).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await put('no.such.key', 5).expect(404)).body.error.code).toBe('SETTING_NOT_FOUND');
    await put('plan.days', 31, operator).expect(403);
    await request(backend.app).get('/api/v1/admin/settings').expect(401);
  });
});
