import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction';
import { createTestUser } from '../../../testing/money-factories';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { LedgerService } from '../ledger.service';

jest.setTimeout(60_000);

describe.each(drivers)('ledger on %s', (driver) => {
  let db: TestDatabase;
  let ledger: LedgerService;

  beforeAll(async () => {
    // A pool big enough that the parallel tests really contend on MySQL.
    db = await createTestDatabase(driver, { poolSize: 20 });
    ledger = new LedgerService(db.ds);
  });
  afterAll(async () => db.drop());

  const reserveOne = (userId: string, taskId = randomUUID()) =>
    inTransaction(db.ds, (tx) => ledger.reserve(tx, userId, 1, [taskId]));
  const balanceOf = async (userId: string) => (await ledger.checkInvariant(userId)).balance;

  it('lets exactly 10 of 200 parallel reserves through on 10 credits', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 10 });
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => reserveOne(userId)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(new Set(refused.map((r) => (r.reason as { code?: string }).code))).toEqual(new Set(['QUOTA_EXHAUSTED']));
    const report = await ledger.checkInvariant(userId);
    expect(report).toEqual({ ok: true, balance: 0, ledgerSum: 0, lotsSum: 0, problems: [] });
  });

  it('refunds once when 200 refunds of one task arrive in parallel', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 5 });
    const taskId = randomUUID();
    await reserveOne(userId, taskId);
    const results = await Promise.all(Array.from({ length: 200 }, () => ledger.refund(null, taskId)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 5 });
    const refunds = await db.ds.query('SELECT COUNT(*) AS n FROM quota_ledger WHERE idempotency_key = ?', [
      `refund:${taskId}`,
    ]);
    expect(Number(refunds[0].n)).toBe(1);
  });

  it('refuses a reserve without an active membership with 402 MEMBERSHIP_REQUIRED', async () => {
    const lapsed = await createTestUser(db.ds.manager, {
      quota: 3,
      isMember: true,
      expireAt: new Date(Date.now() - 1000),
    });
    await expect(reserveOne(lapsed)).rejects.toMatchObject({ status: 402, code: 'MEMBERSHIP_REQUIRED' });
    const never = await createTestUser(db.ds.manager, { quota: 0, isMember: false });
    await expect(reserveOne(never)).rejects.toMatchObject({ status: 402, code: 'MEMBERSHIP_REQUIRED' });
    expect(await balanceOf(lapsed)).toBe(3);
  });

  it('reserves a batch as one decrement with one keyed row per task, and rolls back with the outer transaction', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 4 });
    const tasks = [randomUUID(), randomUUID(), randomUUID()];
    await inTransaction(db.ds, (tx) => ledger.reserve(tx, userId, 3, tasks));
    const rowsAfter = await db.ds.query(
      'SELECT balance_after FROM quota_ledger WHERE user_id = ? AND kind = ? ORDER BY balance_after DESC',
      [userId, 'reserve'],
    );
    expect(rowsAfter.map((r: { balance_after: number }) => Number(r.balance_after))).toEqual([3, 2, 1]);
    await expect(
      inTransaction(db.ds, async (tx) => {
        await ledger.reserve(tx, userId, 1, [randomUUID()]);
        throw new Error('task insert failed');
      }),
    ).rejects.toThrow('task insert failed');
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 1 });
    await expect(
      inTransaction(db.ds, (tx) => ledger.reserve(tx, userId, 2, [randomUUID(), randomUUID()])),
    ).rejects.toMatchObject({ code: 'QUOTA_EXHAUSTED' });
  });

  it('refunds nothing for a task that never reserved', async () => {
    expect(await ledger.refund(undefined, randomUUID())).toBe(false);
  });

  it('grants once per order and extends an active membership from its current expiry', async () => {
    const expireAt = new Date(Date.now() + 5 * 86_400_000);
    const userId = await createTestUser(db.ds.manager, { quota: 7, isMember: true, expireAt });
    const orderId = randomUUID();
    const first = await inTransaction(db.ds, (tx) => ledger.grant(tx, { orderId, userId, credits: 100, days: 30 }));
    expect(first).toMatchObject({ granted: true, balanceAfter: 107 });
    expect(first.quotaExpireAt?.getTime()).toBe(expireAt.getTime() + 30 * 86_400_000);
    const again = await inTransaction(db.ds, (tx) => ledger.grant(tx, { orderId, userId, credits: 100, days: 30 }));
    expect(again.granted).toBe(false);
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 107 });
  });

  it('downgrades a lapsed membership once and starts a new period on the next grant', async () => {
    const expireAt = new Date(Date.now() - 60_000);
    const userId = await createTestUser(db.ds.manager, { quota: 9, isMember: true, expireAt });
    const results = await Promise.all(Array.from({ length: 10 }, () => ledger.expire(userId)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const expiries = await db.ds.query('SELECT delta, balance_after FROM quota_ledger WHERE user_id = ? AND kind = ?', [
      userId,
      'expire',
    ]);
    expect(
      expiries.map((r: { delta: number; balance_after: number }) => [Number(r.delta), Number(r.balance_after)]),
    ).toEqual([[-9, 0]]);
    const before = Date.now();
    const grant = await inTransaction(db.ds, (tx) =>
      ledger.grant(tx, { orderId: randomUUID(), userId, credits: 100, days: 30 }),
    );
    expect(grant.balanceAfter).toBe(100);
    expect(grant.quotaExpireAt!.getTime()).toBeGreaterThanOrEqual(before + 30 * 86_400_000);
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 100 });
  });

  it('records an admin adjustment with who and why, and never below zero', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 2 });
    const adminId = randomUUID();
    const row = await ledger.adjust(adminId, userId, 5, 'compensation for a failed batch');
    expect(row).toMatchObject({
      kind: 'adjust',
      adminId,
      reason: 'compensation for a failed batch',
      userId,
    });
    expect(Number(row.delta)).toBe(5);
    expect(Number(row.balanceAfter)).toBe(7);
    await expect(ledger.adjust(adminId, userId, -8, 'too much')).rejects.toMatchObject({
      status: 409,
      code: 'BALANCE_TOO_LOW',
    });
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 7 });
  });
});
