import request from 'supertest';
import { createTestUser } from '../../../testing/money-factories';
import { drivers } from '../../../testing/test-db';
import {
  alipayNotify,
  moneyBackend,
  rsaPair,
  signWechat,
  wechatEnv,
  wechatNotify,
  wechatTransaction,
  wechatVendorKeys,
  type MoneyBackend,
} from './payments-harness';

jest.setTimeout(60_000);

const wechat = wechatVendorKeys();
const alipayKeys = { app: rsaPair(), alipay: rsaPair() };
const ALIPAY_APP_ID = '2021000000000001';
const ALIPAY_SELLER = '2088000000000001';

describe.each(drivers)('payment notifies on %s', (driver) => {
  let t: MoneyBackend;

  beforeAll(async () => {
    t = await moneyBackend(driver, {
      PAYMENT_CHANNELS: 'wechat,alipay',
      PUBLIC_BASE_URL: 'https://pay.example.test',
      ...wechatEnv(wechat),
      // No network here: point the SDK clients at a closed port; these tests only exercise notifies.
      WECHATPAY_BASE_URL: 'http://127.0.0.1:9/',
      ALIPAY_APP_ID,
      ALIPAY_SELLER_ID: ALIPAY_SELLER,
      ALIPAY_GATEWAY: 'http://127.0.0.1:9/gateway.do',
      ALIPAY_PRIVATE_KEY: alipayKeys.app.privateKeyPem.replace(/\n/g, '\\n'),
      ALIPAY_PUBLIC_KEY: alipayKeys.alipay.publicKeyPem.replace(/\n/g, '\\n'),
    });
  });
  afterAll(async () => t.close());

  /** A pending order as purchase leaves it (inserted directly: purchase would call the vendor). */
  async function pendingOrder(channel: 'wechat' | 'alipay', userId?: string) {
    const uid = userId ?? (await createTestUser(t.ds.manager));
    const outTradeNo = `T${Date.now()}${Math.random().toString(36).slice(2, 10)}`;
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const id = `o-${outTradeNo}`;
    await t.ds.query(
      "INSERT INTO orders (id, user_id, plan_id, amount_fen, channel, status, out_trade_no, created_at, updated_at) VALUES (?, ?, 'monthly', 9900, ?, 'pending', ?, ?, ?)",
      [id, uid, channel, outTradeNo, now, now],
    );
    return { id, userId: uid, outTradeNo };
  }
  const orderStatus = async (id: string) =>
    (await t.ds.query('SELECT status, transaction_id FROM orders WHERE id = ?', [id]))[0];
  const grants = async (orderId: string) =>
    Number((await t.ds.query('SELECT COUNT(*) AS n FROM quota_ledger WHERE order_id = ?', [orderId]))[0].n);
  const postWechat = (n: { body: string; headers: Record<string, string> }) =>
    request(t.backend.app).post('/api/v1/payments/wechat/notify').set(n.headers).send(n.body);

  it('grants 100 credits once for 15 concurrent replays of one WeChat notify', async () => {
    const order = await pendingOrder('wechat');
    const notify = wechatNotify(wechat, wechatTransaction(wechat, order.outTradeNo, 9900));
    const answers = await Promise.all(Array.from({ length: 15 }, () => postWechat(notify)));
    expect(answers.map((a) => a.status)).toEqual(Array(15).fill(204));
    expect(await orderStatus(order.id)).toMatchObject({
      status: 'paid',
      transaction_id: expect.stringMatching(/^4200/),
    });
    expect(await grants(order.id)).toBe(1);
    const report = await t.money.ledger.checkInvariant(order.userId);
    expect(report).toMatchObject({ ok: true, balance: 100 });
    const me = await request(t.backend.app)
      .get('/api/v1/membership/status')
      .set('Authorization', `Bearer ${t.token(order.userId)}`)
      .expect(200);
    expect(me.body).toMatchObject({ isMember: true, quotaRemaining: 100 });
  });

  it('rejects a WeChat notify whose body was changed after signing', async () => {
    const order = await pendingOrder('wechat');
    const notify = wechatNotify(wechat, wechatTransaction(wechat, order.outTradeNo, 9900));
    const tampered = { ...notify, body: notify.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ') };
    const res = await postWechat(tampered).expect(401);
    expect(res.body).toEqual({ code: 'FAIL', message: 'signature verification failed' });
    expect(await orderStatus(order.id)).toMatchObject({ status: 'pending' });
  });

  it('rejects a notify signed with another key, a stale timestamp, or an unknown serial', async () => {
    const order = await pendingOrder('wechat');
    const tx = wechatTransaction(wechat, order.outTradeNo, 9900);
    await postWechat(wechatNotify(wechat, tx, { signWith: rsaPair().privateKeyPem })).expect(401);
    await postWechat(wechatNotify(wechat, tx, { timestamp: Math.floor(Date.now() / 1000) - 301 })).expect(401);
    const wrongSerial = wechatNotify(wechat, tx);
    await postWechat({
      ...wrongSerial,
      headers: { ...wrongSerial.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_OTHER' },
    }).expect(401);
    expect(await grants(order.id)).toBe(0);
  });

  it('rejects a correctly signed notify with the wrong amount, merchant or order', async () => {
    const order = await pendingOrder('wechat');
    const cheap = await postWechat(wechatNotify(wechat, wechatTransaction(wechat, order.outTradeNo, 1))).expect(400);
    expect(cheap.body.code).toBe('FAIL');
    await postWechat(
      wechatNotify(wechat, wechatTransaction(wechat, order.outTradeNo, 9900, { mchid: '1900000999' })),
    ).expect(400);
    await postWechat(wechatNotify(wechat, wechatTransaction(wechat, 'NOSUCHORDER123', 9900))).expect(404);
    expect(await orderStatus(order.id)).toMatchObject({ status: 'pending' });
    expect(await grants(order.id)).toBe(0);
  });

  it('acknowledges a WeChat notify that is not a success without granting', async () => {
    const order = await pendingOrder('wechat');
    await postWechat(
      wechatNotify(wechat, wechatTransaction(wechat, order.outTradeNo, 9900, { trade_state: 'PAYERROR' })),
    ).expect(204);
    expect(await grants(order.id)).toBe(0);
  });

  it('answers garbage bodies with FAIL and never grants', async () => {
    await postWechat(signWechat(wechat, '{"resource":{}}')).expect(400);
    await request(t.backend.app).post('/api/v1/payments/wechat/notify').send({}).expect(401);
    await request(t.backend.app).post('/api/v1/payments/nope/notify').send({}).expect(404);
  });

  describe('Alipay', () => {
    const form = (outTradeNo: string, extra: Record<string, string> = {}) => ({
      notify_time: '2026-11-21 23:00:00',
      notify_type: 'trade_status_sync',
      notify_id: `n${Date.now()}`,
      charset: 'utf-8',
      version: '1.0',
      app_id: ALIPAY_APP_ID,
      seller_id: ALIPAY_SELLER,
      out_trade_no: outTradeNo,
      trade_no: `2026112122001${Date.now()}`,
      trade_status: 'TRADE_SUCCESS',
      total_amount: '99.00',
      subject: 'AI Photo Monthly membership',
      gmt_payment: '2026-11-21 22:59:59',
      ...extra,
    });
    const post = (body: Record<string, string>) =>
      request(t.backend.app).post('/api/v1/payments/alipay/notify').type('form').send(body);

    it('verifies the RSA2 signature, grants once and answers exactly "success"', async () => {
      const order = await pendingOrder('alipay');
      const signed = alipayNotify(alipayKeys.alipay.privateKeyPem, form(order.outTradeNo));
      const [a, b] = await Promise.all([post(signed), post(signed)]);
      expect([a.text, b.text]).toEqual(['success', 'success']);
      expect(await grants(order.id)).toBe(1);
      expect(await t.money.ledger.checkInvariant(order.userId)).toMatchObject({ ok: true, balance: 100 });
    });

    it('rejects a tampered amount, a foreign app id, and a signature by the wrong key', async () => {
      const order = await pendingOrder('alipay');
      const signed = alipayNotify(alipayKeys.alipay.privateKeyPem, form(order.outTradeNo));
      expect((await post({ ...signed, total_amount: '0.01' }).expect(401)).text).toBe('failure');
      await post(
        alipayNotify(alipayKeys.alipay.privateKeyPem, form(order.outTradeNo, { app_id: '2021999999999999' })),
      ).expect(400);
      await post(
        alipayNotify(alipayKeys.alipay.privateKeyPem, form(order.outTradeNo, { total_amount: '0.99' })),
      ).expect(400);
      await post(alipayNotify(alipayKeys.app.privateKeyPem, form(order.outTradeNo))).expect(401);
      expect(await grants(order.id)).toBe(0);
    });
  });

  it("refuses a channel that is not enabled, and another user's order is 404", async () => {
    const owner = await createTestUser(t.ds.manager);
    const other = await createTestUser(t.ds.manager);
    const res = await request(t.backend.app)
      .post('/api/v1/membership/purchase')
      .set('Authorization', `Bearer ${t.token(owner)}`)
      .send({ channel: 'sandbox' })
      .expect(400);
    expect(res.body.error.code).toBe('CHANNEL_NOT_ENABLED');
    const order = await pendingOrder('wechat', owner);
    const mine = await request(t.backend.app)
      .get(`/api/v1/membership/orders/${order.id}`)
      .set('Authorization', `Bearer ${t.token(owner)}`)
      .expect(200);
    expect(mine.body).toEqual({
      id: order.id,
      status: 'pending',
      amountFen: 9900,
      channel: 'wechat',
      planId: 'monthly',
      item: { kind: 'membership', planId: 'monthly' },
      createdAt: expect.any(String),
      paidAt: null,
      expiresAt: new Date(Date.parse(mine.body.createdAt) + 900_000).toISOString(),
    });
    await request(t.backend.app)
      .get(`/api/v1/membership/orders/${order.id}`)
      .set('Authorization', `Bearer ${t.token(other)}`)
      .expect(404);
    await request(t.backend.app).get(`/api/v1/membership/orders/${order.id}`).expect(401);
  });
});
