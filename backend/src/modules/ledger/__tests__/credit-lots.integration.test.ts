import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction';
import { createTestUser } from '../../../testing/money-factories';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { LedgerRepository } from '../ledger.repository';
import { LedgerService } from '../ledger.service';

jest.setTimeout(60_000);

const DAY = 86_400_000;

describe.each(drivers)('credit lots on %s', (driver) => {
  let db: TestDatabase;
  let now = new Date();
  let ledger: LedgerService;

  beforeAll(async () => {
    db = await createTestDatabase(driver, { poolSize: 20 });
    ledger = new LedgerService(db.ds, new LedgerRepository(), () => now);
  });
  beforeEach(() => {
    now = new Date();
  });
  afterAll(async () => db.drop());

  const reserve = (userId: string, n = 1, taskIds = [randomUUID()]) =>
    inTransaction(db.ds, (tx) => ledger.reserve(tx, userId, n, taskIds));
  const pack = (userId: string, credits: number, days: number, key = `pack:${randomUUID()}`) =>
    inTransaction(db.ds, (tx) =>
      ledger.grantCredits(tx, {
        userId,
        key,
        credits,
        source: 'pack',
        expiresAt: new Date(now.getTime() + days * DAY),
      }),
    );
  const lots = (userId: string) => ledger.creditLots(userId);
  const ok = async (userId: string, balance: number) =>
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance, lotsSum: balance });

  it('spends membership credits before pack credits, and a lapse takes only the membership credits', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 3, expireAt: new Date(now.getTime() + 10 * DAY) });
    expect(await pack(userId, 5, 365)).toBe(true);
    await reserve(userId, 2, [randomUUID(), randomUUID()]);
    expect((await lots(userId)).map((l) => [l.source, l.remaining, l.withMembership])).toEqual([
      ['adjust', 1, true],
      ['pack', 5, false],
    ]);
    await ok(userId, 6);

    now = new Date(now.getTime() + 11 * DAY); // the membership has lapsed
    await expect(reserve(userId)).rejects.toMatchObject({ code: 'MEMBERSHIP_REQUIRED' });
    expect(await ledger.expire(userId)).toBe(true);
    const expired = await db.ds.query("SELECT delta FROM quota_ledger WHERE user_id = ? AND kind = 'expire'", [userId]);
    expect(expired.map((r: { delta: number }) => Number(r.delta))).toEqual([-1]);
    expect((await lots(userId)).map((l) => [l.source, l.remaining])).toEqual([['pack', 5]]);
    await ok(userId, 5);
  });

  it('writes a pack lot off once its own expiry passes (sweep), with one keyed row', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 2 });
    await pack(userId, 4, 30);
    now = new Date(now.getTime() + 31 * DAY);
    expect(await ledger.expireDueLots()).toBeGreaterThanOrEqual(1);
    expect(await ledger.expireDueLots()).toBe(0);
    const rows = await db.ds.query(
      "SELECT delta, idempotency_key AS k FROM quota_ledger WHERE user_id = ? AND kind = 'expire'",
      [userId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].k).toMatch(/^expire:lot:/);
    expect(Number(rows[0].delta)).toBe(-4);
    await ok(userId, 2);
  });

  it('a reserve never spends an expired pack credit the sweep has not reached yet', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 1, expireAt: new Date(now.getTime() + 90 * DAY) });
    await pack(userId, 3, 10);
    now = new Date(now.getTime() + 11 * DAY);
    await expect(reserve(userId, 2, [randomUUID(), randomUUID()])).rejects.toMatchObject({ code: 'QUOTA_EXHAUSTED' });
    await ok(userId, 4); // rolled back whole: nothing written off, nothing taken
    await reserve(userId);
    await ok(userId, 0); // the due lot was written off in the same transaction
    const kinds = await db.ds.query(
      'SELECT kind, delta FROM quota_ledger WHERE user_id = ? ORDER BY created_at, kind',
      [userId],
    );
    expect(kinds.map((r: { kind: string; delta: number }) => `${r.kind}:${Number(r.delta)}`).sort()).toEqual(
      ['adjust:1', 'expire:-3', 'grant:3', 'reserve:-1'].sort(),
    );
  });

  it('a refund returns credits to their lot, or as a new lot when that one was written off', async () => {
    const userId = await createTestUser(db.ds.manager, {
      quota: 0,
      isMember: true,
      expireAt: new Date(now.getTime() + 90 * DAY),
    });
    await pack(userId, 2, 5);
    const [t1, t2] = [randomUUID(), randomUUID()];
    await reserve(userId, 2, [t1, t2]);
    expect(await ledger.refund(null, t1)).toBe(true);
    expect((await lots(userId)).map((l) => [l.source, l.remaining])).toEqual([['pack', 1]]);
    now = new Date(now.getTime() + 6 * DAY);
    await ledger.expireDueLots();
    expect(await ledger.refund(null, t2)).toBe(true);
    expect((await lots(userId)).map((l) => [l.source, l.remaining, l.withMembership])).toEqual([['refund', 1, true]]);
    await ok(userId, 1);
  });

  it('grants each key once, and an admin deduction takes the soonest-expiring credits', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 2 });
    const key = `checkin:${userId}:2026-01-01`;
    const grant = () =>
      inTransaction(db.ds, (tx) =>
        ledger.grantCredits(tx, { userId, key, credits: 3, source: 'checkin', expiresAt: null }),
      );
    expect(await Promise.all([grant(), grant(), grant()])).toEqual(expect.arrayContaining([true, false, false]));
    await pack(userId, 4, 3);
    await ledger.adjust('admin-1', userId, -5, 'correction');
    expect((await lots(userId)).map((l) => l.remaining).reduce((a, b) => a + b, 0)).toBe(4);
    expect((await lots(userId)).find((l) => l.source === 'pack')).toBeUndefined();
    await ok(userId, 4);
  });

  it('keeps balance == ledger == lots under 60 parallel reserves over three lots', async () => {
    const userId = await createTestUser(db.ds.manager, { quota: 5, expireAt: new Date(now.getTime() + 20 * DAY) });
    await pack(userId, 4, 10);
    await pack(userId, 6, 100);
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => reserve(userId)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(15);
    await ok(userId, 0);
    const allocated = await db.ds.query(
      'SELECT COALESCE(SUM(a.amount), 0) AS n FROM credit_allocations a JOIN credit_lots l ON l.id = a.lot_id WHERE l.user_id = ?',
      [userId],
    );
    expect(Number(allocated[0].n)).toBe(15);
  });
});
