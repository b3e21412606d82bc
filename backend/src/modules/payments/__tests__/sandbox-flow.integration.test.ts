import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestUser } from '../../../testing/money-factories';
import { drivers } from '../../../testing/test-db';
import { startTestSandbox, type TestSandbox } from '../../../testing/test-sandbox';
import { freePort, moneyBackend, type MoneyBackend } from './payments-harness';

jest.setTimeout(60_000);

describe.each(drivers)('sandbox payment flow on %s', (driver) => {
  let sandbox: TestSandbox;
  let t: MoneyBackend;
  let server: import('node:http').Server;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-pay-'));

  beforeAll(async () => {
    sandbox = await startTestSandbox({ dataDir });
    const port = await freePort();
    t = await moneyBackend(driver, {
      DATA_DIR: dataDir,
      PAYMENT_CHANNELS: 'sandbox',
      SANDBOX_URL: sandbox.url,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    });
    server = t.backend.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t.close();
    await sandbox.close();
  });

  const purchase = (userId: string) =>
    request(t.backend.app)
      .post('/api/v1/membership/purchase')
      .set('Authorization', `Bearer ${t.token(userId)}`)
      .send({ channel: 'sandbox' })
      .expect(200);

  it('purchase → sandbox pays → signed notify → 100 credits and an active membership', async () => {
    const userId = await createTestUser(t.ds.manager);
    const { body } = await purchase(userId);
    expect(body).toMatchObject({ orderId: expect.any(String), amountFen: 9900, channel: 'sandbox' });
    expect(body.payParams).toEqual({
      outTradeNo: body.outTradeNo,
      payUrl: `${sandbox.url}/sandbox/pay/${body.outTradeNo}`,
      codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/),
    });
    const paid = await fetch(body.payParams.payUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(((await paid.json()) as { notify: { status: number } }).notify.status).toBe(204);
    // The sandbox resends the notify when paid again: a replay changes nothing.
    await fetch(body.payParams.payUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const order = await request(t.backend.app)
      .get(`/api/v1/membership/orders/${body.orderId}`)
      .set('Authorization', `Bearer ${t.token(userId)}`)
      .expect(200);
    expect(order.body).toMatchObject({
      status: 'paid',
      amountFen: 9900,
      channel: 'sandbox',
      paidAt: expect.any(String),
    });
    const me = await request(t.backend.app)
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${t.token(userId)}`)
      .expect(200);
    expect(me.body).toMatchObject({ isMember: true, quotaRemaining: 100 });
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 100 });
  });

  it('recovers a lost notify with ?refresh=1 (active query of the channel)', async () => {
    const userId = await createTestUser(t.ds.manager);
    const { body } = await purchase(userId);
    // Pay while the backend is unreachable: the notify is lost.
    await new Promise((r) => server.close(r));
    const paid = await fetch(body.payParams.payUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(((await paid.json()) as { notify: { error?: string } }).notify.error).toBeDefined();
    server = t.backend.app.listen(Number(new URL(t.backend.ctx.config.http.publicBaseUrl).port), '127.0.0.1');
    const auth = `Bearer ${t.token(userId)}`;
    expect(
      (await request(t.backend.app).get(`/api/v1/membership/orders/${body.orderId}`).set('Authorization', auth)).body
        .status,
    ).toBe('pending');
    const refreshed = await request(t.backend.app)
      .get(`/api/v1/membership/orders/${body.orderId}?refresh=1`)
      .set('Authorization', auth)
      .expect(200);
    expect(refreshed.body.status).toBe('paid');
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 100 });
  });

  it("recovers a lost notify from the admin console's query-channel action", async () => {
    const userId = await createTestUser(t.ds.manager);
    const { body } = await purchase(userId);
    await new Promise((r) => server.close(r));
    await fetch(body.payParams.payUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    server = t.backend.app.listen(Number(new URL(t.backend.ctx.config.http.publicBaseUrl).port), '127.0.0.1');
    const refresh = (role: 'admin' | 'operator') =>
      request(t.backend.app)
        .post(`/api/v1/admin/orders/${body.orderId}/refresh`)
        .set('Authorization', `Bearer ${t.adminToken(role)}`);
    await refresh('operator').expect(403);
    const refreshed = await refresh('admin').expect(200);
    expect(refreshed.body).toMatchObject({
      id: body.orderId,
      status: 'paid',
      userId,
      outTradeNo: body.outTradeNo,
      transactionId: expect.any(String),
    });
    expect((await refresh('admin').expect(200)).body.status).toBe('paid');
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 100 });
    await request(t.backend.app)
      .post('/api/v1/admin/orders/no-such-order/refresh')
      .set('Authorization', `Bearer ${t.adminToken()}`)
      .expect(404);
  });

  const pay = async (payUrl: string, result: 'success' | 'fail' = 'success') =>
    (await (
      await fetch(payUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ result }),
      })
    ).json()) as { tradeState: string; notify: { status?: number; error?: string } | null };
  const grants = async (orderId: string) =>
    Number(
      (await t.ds.query("SELECT COUNT(*) AS n FROM quota_ledger WHERE order_id = ? AND kind = 'grant'", [orderId]))[0]
        .n,
    );

  it('a success notify for an order a reconcile marked failed is granted, once', async () => {
    const userId = await createTestUser(t.ds.manager);
    const { body } = await purchase(userId);
    const auth = `Bearer ${t.token(userId)}`;
    // The payer's first attempt fails (no notify); the portal's refresh asks the channel: failed.
    expect((await pay(body.payParams.payUrl, 'fail')).tradeState).toBe('PAYERROR');
    const refreshed = await request(t.backend.app)
      .get(`/api/v1/membership/orders/${body.orderId}?refresh=1`)
      .set('Authorization', auth)
      .expect(200);
    expect(refreshed.body.status).toBe('failed');
    // The payer tries again and pays: the SUCCESS notify must settle the failed order.
    const paid = await pay(body.payParams.payUrl);
    expect(paid.notify?.status).toBe(204);
    // Replays of the notify (paying again resends it) change nothing.
    await Promise.all([pay(body.payParams.payUrl), pay(body.payParams.payUrl), pay(body.payParams.payUrl)]);
    const order = await request(t.backend.app)
      .get(`/api/v1/membership/orders/${body.orderId}`)
      .set('Authorization', auth)
      .expect(200);
    expect(order.body).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    expect(await grants(body.orderId)).toBe(1);
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 100 });
  });

  it('admins reconcile any order: a failed or closed order the channel reports paid is settled once', async () => {
    const userId = await createTestUser(t.ds.manager);
    const failed = (await purchase(userId)).body;
    expect((await pay(failed.payParams.payUrl, 'fail')).tradeState).toBe('PAYERROR');
    await t.money.payments.getOrder(userId, failed.orderId, true);
    // Bought again once the first attempt failed (while it was pending, buying again resumed it).
    const closed = (await purchase(userId)).body;
    expect(closed.orderId).not.toBe(failed.orderId);
    // The other order was closed here (payer gave up) while the channel still took the payment.
    await t.ds.query("UPDATE orders SET status = 'closed' WHERE id = ?", [closed.orderId]);
    // Both payments arrive while the backend is unreachable: the notifies are lost.
    await new Promise((r) => server.close(r));
    expect((await pay(failed.payParams.payUrl)).notify?.error).toBeDefined();
    expect((await pay(closed.payParams.payUrl)).notify?.error).toBeDefined();
    server = t.backend.app.listen(Number(new URL(t.backend.ctx.config.http.publicBaseUrl).port), '127.0.0.1');
    const status = async (id: string) => (await t.ds.query('SELECT status FROM orders WHERE id = ?', [id]))[0].status;
    expect([await status(failed.orderId), await status(closed.orderId)]).toEqual(['failed', 'closed']);
    const refresh = (id: string) =>
      request(t.backend.app)
        .post(`/api/v1/admin/orders/${id}/refresh`)
        .set('Authorization', `Bearer ${t.adminToken()}`)
        .expect(200);
    const answers = await Promise.all([refresh(failed.orderId), refresh(failed.orderId), refresh(closed.orderId)]);
    expect(answers.map((a) => a.body.status)).toEqual(['paid', 'paid', 'paid']);
    // Reconciling a paid order again changes nothing.
    expect((await refresh(failed.orderId)).body.status).toBe('paid');
    expect([await grants(failed.orderId), await grants(closed.orderId)]).toEqual([1, 1]);
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 200 });
  });

  it('an admin reconcile never moves a paid or closed order back', async () => {
    const userId = await createTestUser(t.ds.manager);
    const { body } = await purchase(userId);
    expect((await pay(body.payParams.payUrl, 'fail')).tradeState).toBe('PAYERROR');
    await t.ds.query("UPDATE orders SET status = 'closed' WHERE id = ?", [body.orderId]);
    const res = await request(t.backend.app)
      .post(`/api/v1/admin/orders/${body.orderId}/refresh`)
      .set('Authorization', `Bearer ${t.adminToken()}`)
      .expect(200);
    expect(res.body.status).toBe('closed');
    expect(await grants(body.orderId)).toBe(0);
  });

  it('the pending-order sweep settles paid orders and closes unpaid expired ones', async () => {
    const userId = await createTestUser(t.ds.manager);
    const paidOrder = (await purchase(userId)).body;
    // Aged first so that the second purchase opens a new order instead of resuming this one.
    await t.ds.query('UPDATE orders SET created_at = ? WHERE id = ?', ['2000-01-01 00:00:00.000', paidOrder.orderId]);
    const unpaidOrder = (await purchase(userId)).body;
    expect(unpaidOrder.orderId).not.toBe(paidOrder.orderId);
    await new Promise((r) => server.close(r));
    await fetch(paidOrder.payParams.payUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    server = t.backend.app.listen(Number(new URL(t.backend.ctx.config.http.publicBaseUrl).port), '127.0.0.1');
    // Age both orders past the query threshold.
    await t.ds.query('UPDATE orders SET created_at = ? WHERE id IN (?, ?)', [
      '2000-01-01 00:00:00.000',
      paidOrder.orderId,
      unpaidOrder.orderId,
    ]);
    const swept = await t.money.payments.sweepPending();
    expect(swept.checked).toBeGreaterThanOrEqual(2);
    const status = async (id: string) => (await t.ds.query('SELECT status FROM orders WHERE id = ?', [id]))[0].status;
    expect(await status(paidOrder.orderId)).toBe('paid');
    // Unpaid and older than ORDER_CLOSE_AFTER_SECONDS: closed locally.
    expect(await status(unpaidOrder.orderId)).toBe('closed');
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 100 });
  });
});
