import request from 'supertest';
import { createTestUser } from '../../../testing/money-factories';
import { drivers } from '../../../testing/test-db';
import { moneyBackend, type MoneyBackend } from '../../payments/__tests__/payments-harness';

jest.setTimeout(60_000);

describe.each(drivers)('membership and admin money API on %s', (driver) => {
  let t: MoneyBackend;
  beforeAll(async () => {
    t = await moneyBackend(driver, { PLAN_MONTHLY_QUOTA: '100', MEMBERSHIP_PRICE: '9900', MEMBERSHIP_DAYS: '30' });
  });
  afterAll(async () => t.close());
  const as = (userId: string) => ({ Authorization: `Bearer ${t.token(userId)}` });

  it('lists the plan from config, overridden by the settings table', async () => {
    const before = await request(t.backend.app).get('/api/v1/membership/plans').expect(200);
    expect(before.body).toEqual({
      plans: [{ id: 'monthly', name: 'Monthly membership', priceFen: 9900, credits: 100, days: 30 }],
    });
    await t.ds.query('INSERT INTO settings (`key`, `value`, updated_at) VALUES (?, ?, ?), (?, ?, ?)', [
      'plan.price_fen',
      '4900',
      '2026-01-01 00:00:00.000',
      'plan.monthly_quota',
      '60',
      '2026-01-01 00:00:00.000',
    ]);
    const after = await request(t.backend.app).get('/api/v1/membership/plans').expect(200);
    expect(after.body.plans[0]).toMatchObject({ priceFen: 4900, credits: 60, days: 30 });
    await t.ds.query('DELETE FROM settings WHERE `key` IN (?, ?)', ['plan.price_fen', 'plan.monthly_quota']);
  });

  it('downgrades a lapsed membership once, whoever looks first', async () => {
    const userId = await createTestUser(t.ds.manager, {
      quota: 12,
      isMember: true,
      expireAt: new Date(Date.now() - 1000),
    });
    const answers = await Promise.all([
      request(t.backend.app).get('/api/v1/me').set(as(userId)),
      request(t.backend.app).get('/api/v1/membership/status').set(as(userId)),
      t.money.membership.ensureCurrent(userId),
      t.money.membership.sweepExpired(),
    ]);
    expect(answers[0].body).toMatchObject({ id: userId, isMember: false, quotaRemaining: 0 });
    expect(answers[1].body).toMatchObject({ isMember: false, quotaRemaining: 0 });
    const rows = await t.ds.query("SELECT delta FROM quota_ledger WHERE user_id = ? AND kind = 'expire'", [userId]);
    expect(rows.map((r: { delta: number }) => Number(r.delta))).toEqual([-12]);
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 0 });
  });

  it('leaves an active membership alone', async () => {
    const userId = await createTestUser(t.ds.manager, { quota: 5 });
    const res = await request(t.backend.app).get('/api/v1/me').set(as(userId)).expect(200);
    expect(res.body).toMatchObject({ isMember: true, quotaRemaining: 5, quotaExpireAt: expect.any(String) });
    await request(t.backend.app).get('/api/v1/me').expect(401);
  });

  describe('admin', () => {
    it('searches merchants by phone with paging (any staff role)', async () => {
      const phone = `1378${String(Date.now()).slice(-7)}`;
      const userId = await createTestUser(t.ds.manager, { phone, quota: 3 });
      const res = await request(t.backend.app)
        .get(`/api/v1/admin/users?phone=${phone.slice(0, 8)}&pageSize=5`)
        .set('Authorization', `Bearer ${t.adminToken('operator')}`)
        .expect(200);
      expect(res.body).toMatchObject({ page: 1, pageSize: 5, total: expect.any(Number) });
      expect(res.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: userId, phone, quotaRemaining: 3, isMember: true })]),
      );
      await request(t.backend.app).get('/api/v1/admin/users').set(as(userId)).expect(401);
    });

    it('adjusts credits through a ledger row (admin role only) and shows it in the ledger', async () => {
      const userId = await createTestUser(t.ds.manager, { quota: 3 });
      await request(t.backend.app)
        .post(`/api/v1/admin/users/${userId}/adjust`)
        .set('Authorization', `Bearer ${t.adminToken('operator')}`)
        .send({ delta: 5, reason: 'x' })
        .expect(403);
      const res = await request(t.backend.app)
        .post(`/api/v1/admin/users/${userId}/adjust`)
        .set('Authorization', `Bearer ${t.adminToken()}`)
        .send({ delta: 5, reason: 'goodwill' })
        .expect(200);
      expect(res.body.user).toMatchObject({ id: userId, quotaRemaining: 8 });
      expect(res.body.entry).toMatchObject({
        kind: 'adjust',
        delta: 5,
        balanceAfter: 8,
        adminId: 'admin-1',
        adminUsername: 'root',
        reason: 'goodwill',
      });
      const tooMuch = await request(t.backend.app)
        .post(`/api/v1/admin/users/${userId}/adjust`)
        .set('Authorization', `Bearer ${t.adminToken()}`)
        .send({ delta: -9, reason: 'oops' })
        .expect(409);
      expect(tooMuch.body.error.code).toBe('BALANCE_TOO_LOW');
      await request(t.backend.app)
        .post(`/api/v1/admin/users/${userId}/adjust`)
        .set('Authorization', `Bearer ${t.adminToken()}`)
        .send({ delta: 0, reason: 'noop' })
        .expect(400);
      await request(t.backend.app)
        .post('/api/v1/admin/users/nobody/adjust')
        .set('Authorization', `Bearer ${t.adminToken()}`)
        .send({ delta: 1, reason: 'r' })
        .expect(404);
      const ledger = await request(t.backend.app)
        .get(`/api/v1/admin/users/${userId}/ledger`)
        .set('Authorization', `Bearer ${t.adminToken()}`)
        .expect(200);
      expect(ledger.body.total).toBe(2);
      // The ledger names the console account that adjusted, as stored in admin_users.
      const named = (await t.ds.query('SELECT id FROM admin_users WHERE id = ?', ['admin-1'])) as unknown[];
      if (!named.length)
        await t.ds.query(
          "INSERT INTO admin_users (id, username, password_hash, role, created_at) VALUES ('admin-1', 'root', 'x', 'admin', ?)",
          [new Date().toISOString().slice(0, 23).replace('T', ' ')],
        );
      const reread = await request(t.backend.app)
        .get(`/api/v1/admin/users/${userId}/ledger`)
        .set('Authorization', `Bearer ${t.adminToken()}`)
        .expect(200);
      expect(reread.body.items.find((e: { reason: string }) => e.reason === 'goodwill')?.adminUsername).toBe('root');
      expect(ledger.body.items.map((e: { kind: string; delta: number }) => [e.kind, e.delta])).toEqual(
        expect.arrayContaining([
          ['adjust', 5],
          ['adjust', 3],
        ]),
      );
      expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 8 });
    });

    it('lists orders with filters, paging and totals', async () => {
      const userId = await createTestUser(t.ds.manager);
      const t0 = '2026-01-02 00:00:00.000';
      for (const [i, status] of (['paid', 'paid', 'pending'] as const).entries()) {
        await t.ds.query(
          "INSERT INTO orders (id, user_id, plan_id, amount_fen, channel, status, out_trade_no, created_at, updated_at) VALUES (?, ?, 'monthly', 9900, 'sandbox', ?, ?, ?, ?)",
          [`adm-${driver}-${i}`, userId, status, `ADM${driver}${i}${Date.now()}`, t0, t0],
        );
      }
      const auth = { Authorization: `Bearer ${t.adminToken('operator')}` };
      const all = await request(t.backend.app)
        .get(`/api/v1/admin/orders?userId=${userId}&pageSize=2`)
        .set(auth)
        .expect(200);
      expect(all.body.items).toHaveLength(2);
      expect(all.body.totals).toEqual({ count: 3, paidCount: 2, paidAmountFen: 19800 });
      expect(all.body.items[0]).toMatchObject({ userId, channel: 'sandbox', phone: expect.any(String) });
      const paid = await request(t.backend.app)
        .get(`/api/v1/admin/orders?userId=${userId}&status=pending`)
        .set(auth)
        .expect(200);
      expect(paid.body.total).toBe(1);
      await request(t.backend.app).get('/api/v1/admin/orders?status=bogus').set(auth).expect(400);
    });
  });
});
