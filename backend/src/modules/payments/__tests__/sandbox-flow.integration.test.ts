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

  it('the pending-order sweep settles paid orders and closes unpaid expired ones', async () => {
    const userId = await createTestUser(t.ds.manager);
    const paidOrder = (await purchase(userId)).body;
    const unpaidOrder = (await purchase(userId)).body;
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
