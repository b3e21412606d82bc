import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction';
import { toDbTime } from '../../../db/time';
import { addFakeUser, fakeMoneyDb } from '../../../testing/fake-ledger-repository';
import { LedgerService } from '../ledger.service';

// The ledger's rules on in-memory tables, at a fixed time. Concurrency, locks and the real SQL
// are ledger.integration.test.ts's subject (SQLite and MariaDB).
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;

function setup() {
  const { db, repo, lots } = fakeMoneyDb();
  const ledger = new LedgerService(db.dataSource, repo, () => NOW, lots);
  const rowsOf = (userId: string) => db.tables.ledger.filter((r) => r.user_id === userId);
  const keysOf = (userId: string) => rowsOf(userId).map((r) => r.idempotency_key);
  const reserve = (userId: string, credits: number, taskIds: string[]) =>
    inTransaction(db.dataSource, (tx) => ledger.reserve(tx, userId, credits, taskIds));
  const user = (options: Parameters<typeof addFakeUser>[1] = {}) => addFakeUser(db, { now: NOW, ...options });
  return { db, ledger, rowsOf, keysOf, reserve, user };
}

describe('LedgerService.reserve', () => {
  it('splits the credits over the tasks: one keyed row each, balances stepping down', async () => {
    const { ledger, rowsOf, reserve, user } = setup();
    const userId = user({ quota: 10 });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    // The account as the commit leaves it: what creates queued behind this one are judged on.
    await expect(reserve(userId, 6, [a, b, c])).resolves.toEqual({
      balanceAfter: 4,
      account: { quotaRemaining: 4, isMember: 1, quotaExpireAt: toDbTime(new Date(NOW.getTime() + 30 * DAY_MS)) },
    });
    const reserves = rowsOf(userId).filter((r) => r.kind === 'reserve');
    expect(reserves.map((r) => [r.idempotency_key, r.task_id, r.delta, r.balance_after])).toEqual([
      [`reserve:${a}`, a, -2, 8],
      [`reserve:${b}`, b, -2, 6],
      [`reserve:${c}`, c, -2, 4],
    ]);
    expect(await ledger.checkInvariant(userId)).toEqual({
      ...{ ok: true, balance: 4, ledgerSum: 4, lotsSum: 4 },
      problems: [],
    });
  });

  it('refuses with 402 QUOTA_EXHAUSTED when the credits do not cover it, taking nothing', async () => {
    const { ledger, keysOf, reserve, user } = setup();
    const userId = user({ quota: 2 });
    await expect(reserve(userId, 3, [randomUUID()])).rejects.toMatchObject({ status: 402, code: 'QUOTA_EXHAUSTED' });
    expect(keysOf(userId)).toHaveLength(1); // the opening balance only
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 2 });
  });

  it('refuses with 402 MEMBERSHIP_REQUIRED without a membership, or when it ended at this very moment', async () => {
    const { ledger, reserve, user } = setup();
    const never = user({ quota: 0, isMember: false });
    const endsNow = user({ quota: 5, isMember: true, expireAt: NOW });
    const flagOff = user({ quota: 5, isMember: false, expireAt: new Date(NOW.getTime() + DAY_MS) });
    for (const userId of [never, endsNow, flagOff]) {
      await expect(reserve(userId, 1, [randomUUID()])).rejects.toMatchObject({
        status: 402,
        code: 'MEMBERSHIP_REQUIRED',
      });
    }
    expect((await ledger.checkInvariant(endsNow)).balance).toBe(5);
  });

  it('answers 404 for an unknown user and refuses amounts that do not split evenly', async () => {
    const { reserve, user } = setup();
    await expect(reserve(randomUUID(), 1, [randomUUID()])).rejects.toMatchObject({ status: 404 });
    const userId = user({ quota: 10 });
    await expect(reserve(userId, 3, [randomUUID(), randomUUID()])).rejects.toThrow(/divisible/);
    await expect(reserve(userId, 0, [randomUUID()])).rejects.toThrow(/positive/);
    await expect(reserve(userId, 1, [])).rejects.toThrow(/divisible by the 0 task/);
  });

  it('is undone with the transaction that made it', async () => {
    const { db, ledger, keysOf, user } = setup();
    const userId = user({ quota: 3 });
    const failing = inTransaction(db.dataSource, async (tx) => {
      await ledger.reserve(tx, userId, 1, [randomUUID()]);
      throw new Error('the task insert failed');
    });
    await expect(failing).rejects.toThrow('the task insert failed');
    expect(keysOf(userId)).toHaveLength(1);
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 3 });
  });
});

describe('LedgerService.refund', () => {
  it("returns the task's own share once, keyed by task, however often it is asked", async () => {
    const { ledger, rowsOf, reserve, user } = setup();
    const userId = user({ quota: 10 });
    const [a, b] = [randomUUID(), randomUUID()];
    await reserve(userId, 4, [a, b]);
    expect(await ledger.refund(null, a)).toBe(true);
    expect(await ledger.refund(null, a)).toBe(false);
    expect(await ledger.refund(undefined, a)).toBe(false);
    const refunds = rowsOf(userId).filter((r) => r.kind === 'refund');
    expect(refunds.map((r) => [r.idempotency_key, r.delta, r.balance_after])).toEqual([[`refund:${a}`, 2, 8]]);
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 8 });
  });

  it('refunds nothing for a task that never reserved', async () => {
    const { ledger } = setup();
    expect(await ledger.refund(null, randomUUID())).toBe(false);
  });
});

describe('LedgerService.grant and expire', () => {
  it('grants once per order, extending an active membership from its current expiry', async () => {
    const { db, ledger, user } = setup();
    const expireAt = new Date(NOW.getTime() + 5 * DAY_MS);
    const userId = user({ quota: 7, isMember: true, expireAt });
    const orderId = randomUUID();
    const grant = () =>
      inTransaction(db.dataSource, (tx) => ledger.grant(tx, { orderId, userId, credits: 100, days: 30 }));
    const first = await grant();
    expect(first).toEqual({
      granted: true,
      balanceAfter: 107,
      quotaExpireAt: new Date(expireAt.getTime() + 30 * DAY_MS),
    });
    const again = await grant();
    expect(again).toEqual({ granted: false, balanceAfter: 107, quotaExpireAt: first.quotaExpireAt });
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 107 });
  });

  it('closes a lapsed period first (its credits expire) and starts the new one now', async () => {
    const { db, ledger, rowsOf, user } = setup();
    const lapsedAt = new Date(NOW.getTime() - DAY_MS);
    const userId = user({ quota: 9, isMember: true, expireAt: lapsedAt });
    const grant = await inTransaction(db.dataSource, (tx) =>
      ledger.grant(tx, { orderId: randomUUID(), userId, credits: 100, days: 30 }),
    );
    expect(grant).toEqual({ granted: true, balanceAfter: 100, quotaExpireAt: new Date(NOW.getTime() + 30 * DAY_MS) });
    const expiry = rowsOf(userId).find((r) => r.kind === 'expire');
    expect(expiry).toMatchObject({
      delta: -9,
      balance_after: 0,
      idempotency_key: `expire:${userId}:${lapsedAt.toISOString()}`,
    });
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 100 });
  });

  it('downgrades a lapsed membership once, and leaves a current one alone', async () => {
    const { db, ledger, user } = setup();
    const lapsed = user({ quota: 4, isMember: true, expireAt: new Date(NOW.getTime() - 1) });
    expect(await ledger.expire(lapsed)).toBe(true);
    expect(await ledger.expire(lapsed)).toBe(false);
    expect(db.tables.users.get(lapsed)).toMatchObject({ quota_remaining: 0, is_member: 0 });
    const current = user({ quota: 4 });
    expect(await ledger.expire(current)).toBe(false);
    expect(db.tables.users.get(current)).toMatchObject({ quota_remaining: 4, is_member: 1 });
    expect(await ledger.checkInvariant(lapsed)).toMatchObject({ ok: true, balance: 0 });
  });
});

describe('LedgerService.adjust and checkInvariant', () => {
  it('records who and why, refuses to go below zero (409) and refuses a zero or fractional delta (400)', async () => {
    const { ledger, user } = setup();
    const userId = user({ quota: 2 });
    const adminId = randomUUID();
    const row = await ledger.adjust(adminId, userId, -2, 'duplicate top-up');
    expect(row).toMatchObject({ kind: 'adjust', adminId, reason: 'duplicate top-up', delta: -2 });
    expect(row.balanceAfter).toBe(0);
    await expect(ledger.adjust(adminId, userId, -1, 'too much')).rejects.toMatchObject({
      status: 409,
      code: 'BALANCE_TOO_LOW',
    });
    await expect(ledger.adjust(adminId, userId, 0, 'nothing')).rejects.toMatchObject({ status: 400 });
    await expect(ledger.adjust(adminId, userId, 1.5, 'half')).rejects.toMatchObject({ status: 400 });
    await expect(ledger.adjust(adminId, randomUUID(), 1, 'nobody')).rejects.toMatchObject({ status: 404 });
    expect(await ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 0 });
  });

  it('reports a balance that moved without its ledger row', async () => {
    const { db, ledger, user } = setup();
    const userId = user({ quota: 3 });
    db.tables.users.get(userId)!.quota_remaining = 5;
    expect(await ledger.checkInvariant(userId)).toEqual({
      ok: false,
      balance: 5,
      ledgerSum: 3,
      lotsSum: 3,
      problems: ['balance 5 != ledger sum 3', 'balance 5 != lots sum 3'],
    });
  });

  it('lists entries newest first with the total', async () => {
    const { ledger, reserve, user } = setup();
    const userId = user({ quota: 3 });
    const task = randomUUID();
    await reserve(userId, 1, [task]);
    await ledger.refund(null, task);
    const page = await ledger.entries(userId, 2, 0);
    expect(page.total).toBe(3);
    expect(page.items.map((r) => r.kind)).toEqual(['refund', 'reserve']);
    expect(page.items[0].createdAt).toBe(toDbTime(NOW));
  });
});
