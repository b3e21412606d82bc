import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { inTransaction } from '../../../db/transaction';
import { createTestUser } from '../../../testing/money-factories';
import { drivers } from '../../../testing/test-db';
import { moneyBackend, type MoneyBackend } from '../../payments/__tests__/payments-harness';
import { OrdersRepository } from '../../payments/orders.repository';
import { ledgerSource } from '../billing.service';

jest.setTimeout(60_000);

describe.each(drivers)("the merchant's own orders and ledger on %s", (driver) => {
  let t: MoneyBackend;

  beforeAll(async () => {
    t = await moneyBackend(driver, { PAYMENT_CHANNELS: 'sandbox' });
  });
  afterAll(() => t.close());

  /** A paid order, settled the way a verified notify settles it. */
  async function paidOrder(userId: string, minutesAgo: number) {
    const id = randomUUID();
    const outTradeNo = `T${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const at = new Date(Date.now() - minutesAgo * 60_000).toISOString().replace('T', ' ').replace('Z', '');
    await t.ds.query(
      "INSERT INTO orders (id, user_id, plan_id, amount_fen, channel, status, out_trade_no, created_at, updated_at) VALUES (?, ?, 'monthly', 9900, 'sandbox', 'pending', ?, ?, ?)",
      [id, userId, outTradeNo, at, at],
    );
    const order = (await new OrdersRepository().findById(t.ds.manager, id))!;
    await t.money.payments.settle(order, {
      outTradeNo,
      transactionId: `4200${outTradeNo}`,
      state: 'paid',
      amountFen: 9900,
    });
    return { id, outTradeNo };
  }
  const get = (userId: string, path: string) =>
    request(t.backend.app)
      .get(path)
      .set('Authorization', `Bearer ${t.token(userId)}`);

  it('lists only my orders, newest first and paged, with a receipt for each', async () => {
    const me = await createTestUser(t.ds.manager);
    const other = await createTestUser(t.ds.manager);
    const older = await paidOrder(me, 10);
    const newer = await paidOrder(me, 1);
    const theirs = await paidOrder(other, 5);

    const page1 = await get(me, '/api/v1/me/orders?pageSize=1').expect(200);
    expect(page1.body).toMatchObject({ total: 2, page: 1, pageSize: 1, items: [{ id: newer.id, status: 'paid' }] });
    const page2 = await get(me, '/api/v1/me/orders?pageSize=1&page=2').expect(200);
    expect(page2.body.items.map((o: { id: string }) => o.id)).toEqual([older.id]);

    const receipt = await get(me, `/api/v1/me/orders/${newer.id}`).expect(200);
    expect(receipt.body).toMatchObject({
      id: newer.id,
      status: 'paid',
      amountFen: 9900,
      outTradeNo: newer.outTradeNo,
      transactionId: `4200${newer.outTradeNo}`,
      paidAt: expect.any(String),
      item: { kind: 'membership', planId: 'monthly' },
    });
    const refused = await get(me, `/api/v1/me/orders/${theirs.id}`).expect(404);
    expect(refused.body.error.code).toBe('ORDER_NOT_FOUND');
    await request(t.backend.app).get('/api/v1/me/orders').expect(401);
  });

  it('lists my ledger with each row linked to its order or task', async () => {
    const me = await createTestUser(t.ds.manager);
    const order = await paidOrder(me, 3);
    const taskId = randomUUID();
    await inTransaction(t.ds, (tx) => t.money.ledger.reserve(tx, me, 1, [taskId]));
    await t.money.ledger.refund(null, taskId);

    const { body } = await get(me, '/api/v1/me/ledger').expect(200);
    expect(body.total).toBe(3);
    const bySource = Object.fromEntries(body.items.map((r: { source: string }) => [r.source, r]));
    expect(bySource.membership).toMatchObject({ kind: 'grant', delta: 100, orderId: order.id, taskId: null });
    expect(bySource.task).toMatchObject({ kind: 'reserve', delta: -1, taskId, balanceAfter: 99 });
    expect(bySource.refund).toMatchObject({ kind: 'refund', delta: 1, taskId, balanceAfter: 100 });
    const other = await createTestUser(t.ds.manager);
    expect((await get(other, '/api/v1/me/ledger').expect(200)).body).toMatchObject({ total: 0, items: [] });
  });

  it('names the source of every ledger key', () => {
    expect(ledgerSource('grant:o1')).toBe('membership');
    expect(ledgerSource('reserve:t1')).toBe('task');
    expect(ledgerSource('expire:u1:2026-01-01T00:00:00.000Z')).toBe('expire');
    expect(ledgerSource('adjust:x')).toBe('adjust');
  });
});
