import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { toDbTime } from '../../../db/time';
import { createTestUser } from '../../../testing/money-factories';
import { drivers } from '../../../testing/test-db';
import { startTestSandbox, type TestSandbox } from '../../../testing/test-sandbox';
import { freePort, moneyBackend, type MoneyBackend } from './payments-harness';

jest.setTimeout(60_000);

/**
 * A pending order survives a reload and a second click: buying the same thing the same way
 * answers the same order (and its pay params) while enough of its pay time is left; the portal
 * finds it again with GET /membership/orders/pending. Scoped by user; closed, paid and stale
 * orders are never resumed; another channel or scene opens a new order.
 */
describe.each(drivers)('resuming a pending order on %s', (driver) => {
  let sandbox: TestSandbox;
  let t: MoneyBackend;
  let server: import('node:http').Server;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-resume-'));

  beforeAll(async () => {
    sandbox = await startTestSandbox({ dataDir });
    const port = await freePort();
    t = await moneyBackend(driver, {
      DATA_DIR: dataDir,
      PAYMENT_CHANNELS: 'sandbox,alipay',
      ALIPAY_SCENES: 'page,wap',
      SANDBOX_URL: sandbox.url,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      PAY_TIMEOUT_SECONDS: '900',
    });
    server = t.backend.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t.close();
    await sandbox.close();
  });

  const purchase = (userId: string, body: Record<string, string> = { channel: 'sandbox' }) =>
    request(t.backend.app)
      .post('/api/v1/membership/purchase')
      .set('Authorization', `Bearer ${t.token(userId)}`)
      .send(body)
      .expect(200);
  const pending = async (userId: string) =>
    (
      await request(t.backend.app)
        .get('/api/v1/membership/orders/pending')
        .set('Authorization', `Bearer ${t.token(userId)}`)
        .expect(200)
    ).body.pending;
  const orderCount = async (userId: string) =>
    Number(
      (
        (await t.ds.query('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [userId])) as Array<{
          n: number | string;
        }>
      )[0]!.n,
    );

  it('a second click answers the same order and pay params; the order is found again after a reload', async () => {
    const userId = await createTestUser(t.ds.manager);
    expect(await pending(userId)).toBeNull();
    const first = (await purchase(userId)).body;
    expect(first.resumed).toBe(false);
    const second = (await purchase(userId)).body;
    expect(second).toEqual({ ...first, resumed: true });
    expect(await orderCount(userId)).toBe(1);

    const found = await pending(userId);
    expect(found).toMatchObject({
      order: {
        id: first.orderId,
        status: 'pending',
        amountFen: 9900,
        channel: 'sandbox',
        item: { kind: 'membership' },
      },
      scene: 'native',
      payParams: first.payParams,
    });
    // Someone else sees nothing of it, and buying opens their own order.
    const other = await createTestUser(t.ds.manager);
    expect(await pending(other)).toBeNull();
    expect((await purchase(other)).body.orderId).not.toBe(first.orderId);
  });

  it('another channel or scene opens a new order; the newest is the one to resume', async () => {
    const userId = await createTestUser(t.ds.manager);
    const qr = (await purchase(userId)).body;
    const page = (await purchase(userId, { channel: 'alipay', scene: 'page' })).body;
    const wap = (await purchase(userId, { channel: 'alipay', scene: 'wap' })).body;
    expect(new Set([qr.orderId, page.orderId, wap.orderId]).size).toBe(3);
    expect([qr.resumed, page.resumed, wap.resumed]).toEqual([false, false, false]);
    expect((await purchase(userId, { channel: 'alipay', scene: 'page' })).body).toEqual({ ...page, resumed: true });
    // Made in the same second here: date the first two back so "newest" is unambiguous.
    for (const [id, ageMs] of [
      [qr.orderId, 20_000],
      [page.orderId, 10_000],
    ] as const)
      await t.ds.query('UPDATE orders SET created_at = ? WHERE id = ?', [toDbTime(new Date(Date.now() - ageMs)), id]);
    expect(await pending(userId)).toMatchObject({ order: { id: wap.orderId, channel: 'alipay' }, scene: 'wap' });
  });

  it('a closed or paid order is never resumed', async () => {
    const userId = await createTestUser(t.ds.manager);
    const first = (await purchase(userId)).body;
    await request(t.backend.app)
      .post(`/api/v1/membership/orders/${first.orderId}/close`)
      .set('Authorization', `Bearer ${t.token(userId)}`)
      .expect(200);
    expect(await pending(userId)).toBeNull();
    const second = (await purchase(userId)).body;
    expect(second.orderId).not.toBe(first.orderId);
    expect(second.resumed).toBe(false);

    const paid = await fetch(second.payParams.payUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(((await paid.json()) as { notify: { status: number } }).notify.status).toBe(204);
    expect(await pending(userId)).toBeNull();
    const third = (await purchase(userId)).body;
    expect([first.orderId, second.orderId]).not.toContain(third.orderId);
  });

  it('an order with too little pay time left is not resumed (a new one is opened)', async () => {
    const userId = await createTestUser(t.ds.manager);
    const first = (await purchase(userId)).body;
    // 900 s to pay, resumable while at least 90 s are left: made 811 s ago it has 89 s.
    await t.ds.query('UPDATE orders SET created_at = ? WHERE id = ?', [
      toDbTime(new Date(Date.now() - 811_000)),
      first.orderId,
    ]);
    expect(await pending(userId)).toBeNull();
    const second = (await purchase(userId)).body;
    expect(second.orderId).not.toBe(first.orderId);
    expect(second.resumed).toBe(false);
  });
});
