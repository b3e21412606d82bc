import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { toDbTime } from '../../../db/time';
import { createTestUser } from '../../../testing/money-factories';
import { drivers } from '../../../testing/test-db';
import { UsersRepository } from '../../users/users.repository';
import { moneyBackend, type MoneyBackend } from '../../payments/__tests__/payments-harness';
import { OrdersRepository } from '../../payments/orders.repository';
import { SettingsService } from '../../settings/settings.service';
import { CheckinService, shanghaiDate } from '../checkin.service';

jest.setTimeout(90_000);

describe.each(drivers)('credit packs, check-in and invites on %s', (driver) => {
  let t: MoneyBackend;
  let settings: SettingsService;

  beforeAll(async () => {
    t = await moneyBackend(driver, { PAYMENT_CHANNELS: 'sandbox', CHECKIN_CREDITS: '3' });
    settings = new SettingsService(t.ds, t.backend.ctx.config);
  });
  afterAll(() => t.close());

  const as = (userId: string) => ({ Authorization: `Bearer ${t.token(userId)}` });
  const member = () => createTestUser(t.ds.manager, { quota: 5 });
  const ok = async (userId: string, balance: number) =>
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance, lotsSum: balance });

  /** A pending order (as purchase leaves it) settled the way a verified notify settles it. */
  async function payOrder(userId: string, pack?: { id: string; name: string; credits: number }) {
    const id = randomUUID();
    const outTradeNo = `T${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const now = toDbTime(new Date());
    await t.ds.query(
      "INSERT INTO orders (id, user_id, plan_id, amount_fen, channel, status, out_trade_no, created_at, updated_at, pack_id, item_name, credits) VALUES (?, ?, ?, 9900, 'sandbox', 'pending', ?, ?, ?, ?, ?, ?)",
      [
        id,
        userId,
        pack ? 'pack' : 'monthly',
        outTradeNo,
        now,
        now,
        pack?.id ?? null,
        pack?.name ?? null,
        pack?.credits ?? null,
      ],
    );
    const order = (await new OrdersRepository().findById(t.ds.manager, id))!;
    const settle = () =>
      t.money.payments.settle(order, {
        outTradeNo,
        transactionId: `42${outTradeNo}`,
        state: 'paid',
        amountFen: 9900,
      });
    return { id, settle };
  }

  describe('daily check-in', () => {
    it('grants once for 100 parallel check-ins, only to members', async () => {
      const userId = await member();
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => request(t.backend.app).post('/api/v1/me/checkin').set(as(userId))),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
      expect(answers.filter((a) => a.body.granted)).toHaveLength(1);
      const rows = await t.ds.query(
        "SELECT COUNT(*) AS n FROM quota_ledger WHERE idempotency_key LIKE 'checkin:%' AND user_id = ?",
        [userId],
      );
      expect(Number(rows[0].n)).toBe(1);
      await ok(userId, 8);
      const status = await request(t.backend.app).get('/api/v1/me/checkin').set(as(userId)).expect(200);
      expect(status.body).toEqual({ date: shanghaiDate(new Date()), checkedIn: true, credits: 3 });

      const stranger = await createTestUser(t.ds.manager, { quota: 0, isMember: false });
      const refused = await request(t.backend.app).post('/api/v1/me/checkin').set(as(stranger)).expect(402);
      expect(refused.body.error.code).toBe('MEMBERSHIP_REQUIRED');
    });

    it('counts days in Asia/Shanghai: 23:59 and 00:01 there are two check-ins', async () => {
      const userId = await createTestUser(t.ds.manager, { quota: 1, expireAt: new Date(Date.UTC(2099, 0, 1)) });
      const at = (iso: string) =>
        new CheckinService(t.ds, t.money.ledger, new UsersRepository(), settings, () => new Date(iso));
      expect((await at('2026-03-01T15:59:00Z').checkIn(userId)).date).toBe('2026-03-01');
      expect((await at('2026-03-01T15:59:30Z').checkIn(userId)).granted).toBe(false);
      const next = await at('2026-03-01T16:01:00Z').checkIn(userId);
      expect(next).toMatchObject({ date: '2026-03-02', granted: true });
      await ok(userId, 7);
    });
  });

  describe('credit packs', () => {
    it('the console adds a pack; a member buys it, paying twice grants its credits once, with their own expiry', async () => {
      const created = await request(t.backend.app)
        .post('/api/v1/admin/credit-packs')
        .set('Authorization', `Bearer ${t.adminToken()}`)
        .send({ name: `Pack ${randomUUID().slice(0, 6)}`, credits: 40, priceFen: 3900 })
        .expect(201);
      await request(t.backend.app)
        .post('/api/v1/admin/credit-packs')
        .set('Authorization', `Bearer ${t.adminToken('operator')}`)
        .send({ name: 'nope', credits: 1, priceFen: 1 })
        .expect(403);
      const offer = await request(t.backend.app).get('/api/v1/credit-packs').expect(200);
      expect(offer.body.packs).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: created.body.id, credits: 40 })]),
      );
      expect(offer.body.validDays).toBe(365);

      const stranger = await createTestUser(t.ds.manager, { quota: 0, isMember: false });
      const refused = await request(t.backend.app)
        .post(`/api/v1/credit-packs/${created.body.id}/purchase`)
        .set(as(stranger))
        .send({ channel: 'sandbox' })
        .expect(402);
      expect(refused.body.error.code).toBe('MEMBERSHIP_REQUIRED');

      const userId = await member();
      const order = await payOrder(userId, { id: created.body.id, name: created.body.name, credits: 40 });
      expect(await order.settle()).toBe('settled');
      expect(await order.settle()).toBe('already_paid');
      await ok(userId, 45);
      const credits = await request(t.backend.app).get('/api/v1/me/credits').set(as(userId)).expect(200);
      const packLot = credits.body.lots.find((l: { source: string }) => l.source === 'pack');
      expect(packLot).toMatchObject({ remaining: 40, withMembership: false });
      const days = (Date.parse(packLot.expiresAt) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(364.9);
      expect(days).toBeLessThanOrEqual(365);
      const receipt = await request(t.backend.app).get(`/api/v1/me/orders/${order.id}`).set(as(userId)).expect(200);
      expect(receipt.body.item).toEqual({
        kind: 'pack',
        packId: created.body.id,
        name: created.body.name,
        credits: 40,
      });
    });
  });

  describe('invites', () => {
    it('rewards inviter and invitee once, when the first order is paid, also when two first orders settle at once', async () => {
      const inviter = await member();
      const invitee = await createTestUser(t.ds.manager, { quota: 0, isMember: false });
      const mine = await request(t.backend.app).get('/api/v1/me/invite').set(as(inviter)).expect(200);
      expect(mine.body.code).toMatch(/^[A-Z2-9]{8}$/);
      expect((await request(t.backend.app).get('/api/v1/me/invite').set(as(inviter))).body.code).toBe(mine.body.code);

      const redeemed = await request(t.backend.app)
        .post('/api/v1/me/invite/redeem')
        .set(as(invitee))
        .send({ code: mine.body.code.toLowerCase() })
        .expect(200);
      expect(redeemed.body).toMatchObject({ invited: true, canRedeem: false });
      const [a, b] = [await payOrder(invitee), await payOrder(invitee)];
      expect(await Promise.all([a.settle(), b.settle()])).toEqual(['settled', 'settled']);
      expect(await (await payOrder(invitee)).settle()).toBe('settled');

      const rewards = await t.ds.query(
        'SELECT user_id, delta FROM quota_ledger WHERE idempotency_key LIKE ? ORDER BY user_id',
        [`invite:${invitee}:%`],
      );
      expect(rewards).toHaveLength(2);
      await ok(inviter, 5 + 20);
      await ok(invitee, 3 * 100 + 10);
      expect((await request(t.backend.app).get('/api/v1/me/invite').set(as(inviter))).body).toMatchObject({
        invitedCount: 1,
        rewardedCount: 1,
      });
    });

    it('refuses self-invites, unknown and circular codes, and codes after the first paid order', async () => {
      const a = await member();
      const b = await member();
      const codeOf = async (u: string) => (await request(t.backend.app).get('/api/v1/me/invite').set(as(u))).body.code;
      const redeem = (u: string, code: string) =>
        request(t.backend.app).post('/api/v1/me/invite/redeem').set(as(u)).send({ code });
      expect((await redeem(a, await codeOf(a))).body.error.code).toBe('INVITE_SELF');
      expect((await redeem(a, 'ZZZZZZZZ')).body.error.code).toBe('INVITE_CODE_UNKNOWN');
      await redeem(b, await codeOf(a)).expect(200);
      expect((await redeem(b, await codeOf(a))).body.error.code).toBe('INVITE_ALREADY_REDEEMED');
      expect((await redeem(a, await codeOf(b))).body.error.code).toBe('INVITE_CIRCULAR');
      const late = await member();
      await (await payOrder(late)).settle();
      const tooLate = await redeem(late, await codeOf(a)).expect(409);
      expect(tooLate.body.error.code).toBe('INVITE_TOO_LATE');
    });

    it('rewards one WeChat person once, even when they come back on another phone account', async () => {
      const inviter = await member();
      const code = (await request(t.backend.app).get('/api/v1/me/invite').set(as(inviter))).body.code;
      const unionid = `o${randomUUID().replace(/-/g, '').slice(0, 27)}`;
      const linkWechat = async (userId: string) => {
        await t.ds.query('DELETE FROM wechat_identities WHERE unionid = ?', [unionid]);
        const now = toDbTime(new Date());
        await t.ds.query(
          'INSERT INTO wechat_identities (id, user_id, unionid, web_openid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
          [randomUUID(), userId, unionid, `web-${unionid}`, now, now],
        );
      };
      const rewardsOf = async (userId: string) =>
        Number(
          (
            await t.ds.query('SELECT COUNT(*) AS n FROM quota_ledger WHERE idempotency_key LIKE ?', [
              `invite:${userId}:%`,
            ])
          )[0].n,
        );
      for (const expected of [2, 0]) {
        // A new phone account each time, the same WeChat person linked to it.
        const invitee = await createTestUser(t.ds.manager, { quota: 0, isMember: false });
        await linkWechat(invitee);
        await request(t.backend.app).post('/api/v1/me/invite/redeem').set(as(invitee)).send({ code }).expect(200);
        await (await payOrder(invitee)).settle();
        expect(await rewardsOf(invitee)).toBe(expected);
      }
      const [row] = await t.ds.query('SELECT invitee_wechat FROM invite_rewards WHERE inviter_id = ?', [inviter]);
      expect(row.invitee_wechat).toBe(`u:${unionid}`);
    });

    it('stops rewarding an inviter at invite.max_rewards', async () => {
      await settings.set('invite.max_rewards', 1);
      try {
        const inviter = await member();
        const code = (await request(t.backend.app).get('/api/v1/me/invite').set(as(inviter))).body.code;
        for (let i = 0; i < 2; i++) {
          const invitee = await createTestUser(t.ds.manager, { quota: 0, isMember: false });
          await request(t.backend.app).post('/api/v1/me/invite/redeem').set(as(invitee)).send({ code }).expect(200);
          await (await payOrder(invitee)).settle();
        }
        await ok(inviter, 5 + 20);
      } finally {
        await settings.set('invite.max_rewards', null);
      }
    });
  });
});
