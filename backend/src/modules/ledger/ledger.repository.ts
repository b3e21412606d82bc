import { randomUUID } from 'node:crypto';
import type { Camel } from '../../db/camel';
import { isUniqueViolation } from '../../db/db-errors';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';
import { lockUserRow } from '../../db/user-lock';

export type LedgerKind = 'grant' | 'reserve' | 'refund' | 'expire' | 'adjust';

export interface LedgerRow {
  id: string;
  user_id: string;
  delta: number;
  balance_after: number;
  kind: LedgerKind;
  task_id: string | null;
  order_id: string | null;
  admin_id: string | null;
  reason: string | null;
  idempotency_key: string;
  created_at: string;
}

/** A ledger row as the rest of the backend sees it (camelCase; numbers as numbers on every driver). */
export type LedgerEntry = Camel<LedgerRow>;

/** Row → LedgerEntry: the one place that names the `quota_ledger` columns outside SQL. */
export function toLedgerEntry(r: LedgerRow): LedgerEntry {
  return {
    id: r.id,
    userId: r.user_id,
    delta: Number(r.delta),
    balanceAfter: Number(r.balance_after),
    kind: r.kind,
    taskId: r.task_id,
    orderId: r.order_id,
    adminId: r.admin_id,
    reason: r.reason,
    idempotencyKey: r.idempotency_key,
    createdAt: r.created_at,
  };
}

export interface NewLedgerEntry {
  userId: string;
  delta: number;
  balanceAfter: number;
  kind: LedgerKind;
  key: string;
  taskId?: string | null;
  orderId?: string | null;
  adminId?: string | null;
  reason?: string | null;
}

/** The `users` columns credits are judged on, as the database answers them (repositories and their fakes). */
export interface BalanceRow {
  quota_remaining: number;
  is_member: number;
  quota_expire_at: string | null;
}

/** A user's standing for credits: balance, member flag (0/1) and the membership's end (database time). */
export interface Balance {
  quotaRemaining: number;
  isMember: number;
  quotaExpireAt: string | null;
}

export function toBalance(r: BalanceRow): Balance {
  return { quotaRemaining: Number(r.quota_remaining), isMember: Number(r.is_member), quotaExpireAt: r.quota_expire_at };
}

const INSERT_COLUMNS =
  'INSERT INTO quota_ledger (id, user_id, delta, balance_after, kind, task_id, order_id, admin_id, reason, idempotency_key, created_at) VALUES ';

/**
 * The only SQL that writes `users.quota_remaining`, `is_member`, `quota_expire_at` and the
 * append-only `quota_ledger`. Callers hold the transaction; every method runs on the given handle.
 */
export class LedgerRepository {
  /**
   * The conditional decrement: the database checks balance and membership in the same
   * statement that takes the credits, so concurrent reserves can never overdraw.
   */
  async takeCredits(db: Db, userId: string, n: number, now: Date): Promise<boolean> {
    const t = toDbTime(now);
    const changed = await execute(
      db,
      'UPDATE users SET quota_remaining = quota_remaining - ?, updated_at = ? WHERE id = ? AND quota_remaining >= ? AND is_member = 1 AND quota_expire_at > ?',
      [n, t, userId, n, t],
    );
    return changed === 1;
  }

  /**
   * Takes the user's row lock (`lockUserRow`), so the balance read next is current and stays so
   * until commit. False when no such user.
   */
  lockUser(db: Db, userId: string, now: Date): Promise<boolean> {
    return lockUserRow(db, userId, now);
  }

  /** Same as lockUser, but only for a membership that has run out and not been downgraded yet. */
  async lockExpiredMember(db: Db, userId: string, now: Date): Promise<boolean> {
    const t = toDbTime(now);
    const changed = await execute(
      db,
      'UPDATE users SET updated_at = ? WHERE id = ? AND is_member = 1 AND quota_expire_at IS NOT NULL AND quota_expire_at <= ?',
      [t, userId, t],
    );
    return changed === 1;
  }

  async balance(db: Db, userId: string): Promise<Balance | null> {
    const found = await rows<BalanceRow>(
      db,
      'SELECT quota_remaining, is_member, quota_expire_at FROM users WHERE id = ?',
      [userId],
    );
    return found[0] ? toBalance(found[0]) : null;
  }

  async addCredits(db: Db, userId: string, delta: number): Promise<void> {
    await execute(db, 'UPDATE users SET quota_remaining = quota_remaining + ? WHERE id = ?', [delta, userId]);
  }

  async setMembership(db: Db, userId: string, delta: number, isMember: boolean, expireAt: Date | null): Promise<void> {
    await execute(
      db,
      'UPDATE users SET quota_remaining = quota_remaining + ?, is_member = ?, quota_expire_at = ? WHERE id = ?',
      [delta, isMember ? 1 : 0, expireAt ? toDbTime(expireAt) : null, userId],
    );
  }

  /** Inserts entries in one statement. Throws on a duplicate idempotency key. */
  async insert(db: Db, entries: NewLedgerEntry[], now: Date): Promise<void> {
    if (!entries.length) return;
    const t = toDbTime(now);
    const params = entries.flatMap((e) => [
      randomUUID(),
      e.userId,
      e.delta,
      e.balanceAfter,
      e.kind,
      e.taskId ?? null,
      e.orderId ?? null,
      e.adminId ?? null,
      e.reason ?? null,
      e.key,
      t,
    ]);
    await db.query(INSERT_COLUMNS + entries.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', '), params);
  }

  /** Inserts one keyed entry; false when the key exists (the operation already happened). */
  async insertOnce(db: Db, entry: NewLedgerEntry, now: Date): Promise<boolean> {
    try {
      await this.insert(db, [entry], now);
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async findByKey(db: Db, key: string): Promise<LedgerEntry | null> {
    const [row] = await rows<LedgerRow>(db, 'SELECT * FROM quota_ledger WHERE idempotency_key = ?', [key]);
    return row ? toLedgerEntry(row) : null;
  }

  async listForUser(
    db: Db,
    userId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: LedgerEntry[]; total: number }> {
    const found = await rows<LedgerRow>(
      db,
      // created_at ties inside one transaction; balance_after breaks them for reserves of a batch.
      'SELECT * FROM quota_ledger WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?',
      [userId, limit, offset],
    );
    const [count] = await rows<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM quota_ledger WHERE user_id = ?', [
      userId,
    ]);
    return { items: found.map(toLedgerEntry), total: Number(count?.n ?? 0) };
  }

  async sumForUser(db: Db, userId: string): Promise<{ sum: number; negativeBalances: number }> {
    const [r] = await rows<{ s: number | string | null; neg: number | string | null }>(
      db,
      'SELECT COALESCE(SUM(delta), 0) AS s, COALESCE(SUM(CASE WHEN balance_after < 0 THEN 1 ELSE 0 END), 0) AS neg FROM quota_ledger WHERE user_id = ?',
      [userId],
    );
    return { sum: Number(r?.s ?? 0), negativeBalances: Number(r?.neg ?? 0) };
  }
}
