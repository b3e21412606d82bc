import { randomUUID } from 'node:crypto';
import { fromDbTime, toDbTime } from '../db/time';
import type { Db } from '../db/transaction';
import {
  toBalance,
  toLedgerEntry,
  type Balance,
  type BalanceRow,
  type LedgerEntry,
  type LedgerRepository,
  type LedgerRow,
  type NewLedgerEntry,
} from '../modules/ledger/ledger.repository';
import { FakeCreditLotsRepository, type LotTables } from './fake-credit-lots-repository';
import { FakeDb } from './fake-db';

export interface MoneyTables extends LotTables {
  users: Map<string, BalanceRow>;
  ledger: LedgerRow[];
}

/** Raised like the drivers do, so `isUniqueViolation` / `isCheckViolation` recognise it. */
function constraintError(code: 'SQLITE_CONSTRAINT_UNIQUE' | 'SQLITE_CONSTRAINT_CHECK', what: string): Error {
  return Object.assign(new Error(`${code}: ${what}`), { code });
}

/**
 * LedgerRepository over in-memory tables, for unit tests of LedgerService and its callers. Each
 * method keeps the promise its SQL makes (the conditional decrement, the unique idempotency key,
 * the CHECKs `quota_remaining >= 0` and `balance_after >= 0`); locking and concurrency are the
 * integration tests' subject (ledger.integration.test.ts on SQLite and MariaDB).
 */
export class FakeLedgerRepository implements LedgerRepository {
  constructor(readonly db: FakeDb<MoneyTables>) {}

  private user(userId: string): BalanceRow | undefined {
    return this.db.tables.users.get(userId);
  }

  private activeMember(user: BalanceRow, now: Date): boolean {
    const expireAt = fromDbTime(user.quota_expire_at);
    return user.is_member === 1 && expireAt !== null && expireAt > now;
  }

  async takeCredits(_db: Db, userId: string, n: number, now: Date): Promise<boolean> {
    const user = this.user(userId);
    if (!user || user.quota_remaining < n || !this.activeMember(user, now)) return false;
    user.quota_remaining -= n;
    return true;
  }

  async lockUser(_db: Db, userId: string): Promise<boolean> {
    return this.user(userId) !== undefined;
  }

  async lockExpiredMember(_db: Db, userId: string, now: Date): Promise<boolean> {
    const user = this.user(userId);
    const expireAt = fromDbTime(user?.quota_expire_at);
    return user?.is_member === 1 && expireAt !== null && expireAt <= now;
  }

  async balance(_db: Db, userId: string): Promise<Balance | null> {
    const user = this.user(userId);
    return user ? toBalance(user) : null;
  }

  async addCredits(_db: Db, userId: string, delta: number): Promise<void> {
    const user = this.user(userId);
    if (!user) return;
    if (user.quota_remaining + delta < 0) throw constraintError('SQLITE_CONSTRAINT_CHECK', 'ck_users_quota_nonneg');
    user.quota_remaining += delta;
  }

  async setMembership(_db: Db, userId: string, delta: number, isMember: boolean, expireAt: Date | null): Promise<void> {
    await this.addCredits(_db, userId, delta);
    const user = this.user(userId);
    if (!user) return;
    user.is_member = isMember ? 1 : 0;
    user.quota_expire_at = expireAt ? toDbTime(expireAt) : null;
  }

  async insert(_db: Db, entries: NewLedgerEntry[], now: Date): Promise<void> {
    const keys = new Set(this.db.tables.ledger.map((row) => row.idempotency_key));
    for (const e of entries) {
      if (keys.has(e.key)) throw constraintError('SQLITE_CONSTRAINT_UNIQUE', e.key);
      if (e.balanceAfter < 0) throw constraintError('SQLITE_CONSTRAINT_CHECK', 'ck_quota_ledger_balance');
      keys.add(e.key);
    }
    for (const e of entries) {
      this.db.tables.ledger.push({
        id: randomUUID(),
        user_id: e.userId,
        delta: e.delta,
        balance_after: e.balanceAfter,
        kind: e.kind,
        task_id: e.taskId ?? null,
        order_id: e.orderId ?? null,
        admin_id: e.adminId ?? null,
        reason: e.reason ?? null,
        idempotency_key: e.key,
        created_at: toDbTime(now),
      });
    }
  }

  async insertOnce(db: Db, entry: NewLedgerEntry, now: Date): Promise<boolean> {
    if (this.db.tables.ledger.some((row) => row.idempotency_key === entry.key)) return false;
    await this.insert(db, [entry], now);
    return true;
  }

  async findByKey(_db: Db, key: string): Promise<LedgerEntry | null> {
    const row = this.db.tables.ledger.find((r) => r.idempotency_key === key);
    return row ? toLedgerEntry(row) : null;
  }

  async listForUser(
    _db: Db,
    userId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: LedgerEntry[]; total: number }> {
    const own = this.db.tables.ledger.filter((row) => row.user_id === userId);
    // Newest first; rows are appended in order, so a reversed copy is that order.
    return {
      items: [...own]
        .reverse()
        .slice(offset, offset + limit)
        .map(toLedgerEntry),
      total: own.length,
    };
  }

  async sumForUser(_db: Db, userId: string): Promise<{ sum: number; negativeBalances: number }> {
    const own = this.db.tables.ledger.filter((row) => row.user_id === userId);
    return {
      sum: own.reduce((sum, row) => sum + row.delta, 0),
      negativeBalances: own.filter((row) => row.balance_after < 0).length,
    };
  }
}

/** A fresh fake money database with its repositories. */
export function fakeMoneyDb(): { db: FakeDb<MoneyTables>; repo: FakeLedgerRepository; lots: FakeCreditLotsRepository } {
  const db = new FakeDb<MoneyTables>({ users: new Map(), ledger: [], lots: [], allocations: [] });
  return { db, repo: new FakeLedgerRepository(db), lots: new FakeCreditLotsRepository(db) };
}

/**
 * Adds a user; an opening balance comes with its `adjust` row and a lot lasting as long as the
 * membership (as createTestUser does), so `balance == SUM(delta) == SUM(lots)` holds from the start.
 */
export function addFakeUser(
  db: FakeDb<MoneyTables>,
  options: { quota?: number; isMember?: boolean; expireAt?: Date | null; now?: Date } = {},
): string {
  const id = randomUUID();
  const now = options.now ?? new Date();
  const quota = options.quota ?? 0;
  const isMember = options.isMember ?? quota > 0;
  const expireAt =
    options.expireAt === undefined ? (isMember ? new Date(now.getTime() + 30 * 86_400_000) : null) : options.expireAt;
  db.tables.users.set(id, {
    quota_remaining: quota,
    is_member: isMember ? 1 : 0,
    quota_expire_at: expireAt ? toDbTime(expireAt) : null,
  });
  if (quota) {
    const key = `adjust:${randomUUID()}`;
    db.tables.lots.push({
      id: randomUUID(),
      user_id: id,
      source: 'adjust',
      ledger_key: key,
      amount: quota,
      remaining: quota,
      expires_at: null,
      expired_at: null,
      created_at: toDbTime(now),
    });
    db.tables.ledger.push({
      id: randomUUID(),
      user_id: id,
      delta: quota,
      balance_after: quota,
      kind: 'adjust',
      task_id: null,
      order_id: null,
      admin_id: null,
      reason: 'test opening balance',
      idempotency_key: key,
      created_at: toDbTime(now),
    });
  }
  return id;
}
