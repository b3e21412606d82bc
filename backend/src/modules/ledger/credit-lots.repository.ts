import { randomUUID } from 'node:crypto';
import type { Camel } from '../../db/camel';
import { fromDbTime, toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

/** Where a lot of credits came from. */
export type LotSource = 'membership' | 'pack' | 'checkin' | 'invite' | 'adjust' | 'refund' | 'opening';

export interface LotRow {
  id: string;
  user_id: string;
  source: LotSource;
  ledger_key: string;
  amount: number;
  remaining: number;
  /** NULL: the lot lasts as long as the membership. */
  expires_at: string | null;
  expired_at: string | null;
  created_at: string;
}

/** A lot as the ledger sees it (camelCase; amounts as numbers on every driver). */
export type Lot = Camel<LotRow>;

/** Row → Lot, at this repository's edge. */
export function toLot(r: LotRow): Lot {
  return {
    id: r.id,
    userId: r.user_id,
    source: r.source,
    ledgerKey: r.ledger_key,
    amount: Number(r.amount),
    remaining: Number(r.remaining),
    expiresAt: r.expires_at,
    expiredAt: r.expired_at,
    createdAt: r.created_at,
  };
}

/**
 * Queries on `credit_lots` and `credit_allocations`. Only the ledger calls them, always inside
 * the transaction that moves the user's balance and after taking the user's row lock, so the
 * lots of one user never change under a reader that holds it.
 */
export class CreditLotsRepository {
  async insert(
    db: Db,
    lot: { userId: string; source: LotSource; key: string; amount: number; expiresAt: Date | null },
    now: Date,
  ): Promise<string> {
    const id = randomUUID();
    await db.query(
      'INSERT INTO credit_lots (id, user_id, source, ledger_key, amount, remaining, expires_at, expired_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)',
      [
        id,
        lot.userId,
        lot.source,
        lot.key,
        lot.amount,
        lot.amount,
        lot.expiresAt ? toDbTime(lot.expiresAt) : null,
        toDbTime(now),
      ],
    );
    return id;
  }

  /** The user's lots that still hold credits and were not written off, oldest first. */
  async open(db: Db, userId: string): Promise<Lot[]> {
    // A locking read on MySQL/MariaDB: under REPEATABLE READ a plain SELECT answers from the
    // snapshot of the transaction's first read, which may predate the user lock (a create looks
    // up its result cache before it reserves), and would miss another reserve committed since.
    // FOR UPDATE reads the latest committed lots; SQLite has one writer and no FOR UPDATE.
    const lock = db.connection.options.type === 'mysql' ? ' FOR UPDATE' : '';
    return (
      await rows<LotRow>(
        db,
        `SELECT * FROM credit_lots WHERE user_id = ? AND expired_at IS NULL AND remaining > 0 ORDER BY created_at, id${lock}`,
        [userId],
      )
    ).map(toLot);
  }

  /** Takes `n` from a lot; false when it holds fewer (never happens under the user lock). */
  async take(db: Db, lotId: string, n: number): Promise<boolean> {
    return (
      (await execute(db, 'UPDATE credit_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?', [
        n,
        lotId,
        n,
      ])) === 1
    );
  }

  /** Returns `n` to a lot that was not written off; false when it was. */
  async giveBack(db: Db, lotId: string, n: number): Promise<boolean> {
    return (
      (await execute(
        db,
        'UPDATE credit_lots SET remaining = remaining + ? WHERE id = ? AND expired_at IS NULL AND remaining + ? <= amount',
        [n, lotId, n],
      )) === 1
    );
  }

  /** Writes a lot off: nothing remains, and it never takes credits back. */
  async writeOff(db: Db, lotId: string, now: Date): Promise<void> {
    await execute(db, 'UPDATE credit_lots SET remaining = 0, expired_at = ? WHERE id = ?', [toDbTime(now), lotId]);
  }

  async insertAllocations(db: Db, list: Array<{ taskId: string; lotId: string; amount: number }>, now: Date) {
    if (!list.length) return;
    const t = toDbTime(now);
    await db.query(
      `INSERT INTO credit_allocations (id, task_id, lot_id, amount, created_at) VALUES ${list.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      list.flatMap((a) => [randomUUID(), a.taskId, a.lotId, a.amount, t]),
    );
  }

  async allocations(db: Db, taskId: string): Promise<Array<{ lotId: string; amount: number }>> {
    const found = await rows<{ lot_id: string; amount: number | string }>(
      db,
      'SELECT lot_id, amount FROM credit_allocations WHERE task_id = ? ORDER BY created_at, id',
      [taskId],
    );
    return found.map((a) => ({ lotId: a.lot_id, amount: Number(a.amount) }));
  }

  /** Users with a lot past its own expiry that still holds credits. */
  async usersWithDueLots(db: Db, now: Date, limit: number): Promise<string[]> {
    const found = await rows<{ user_id: string }>(
      db,
      'SELECT DISTINCT user_id FROM credit_lots WHERE expires_at <= ? AND expired_at IS NULL AND remaining > 0 LIMIT ?',
      [toDbTime(now), limit],
    );
    return found.map((r) => r.user_id);
  }

  async sumRemaining(db: Db, userId: string): Promise<number> {
    const [r] = await rows<{ s: number | string | null }>(
      db,
      'SELECT COALESCE(SUM(remaining), 0) AS s FROM credit_lots WHERE user_id = ?',
      [userId],
    );
    return Number(r?.s ?? 0);
  }
}

/** A lot's own expiry; a membership lot ends with the membership (`membershipEnd`). */
export function lotExpiry(lot: Lot, membershipEnd: Date | null): Date | null {
  return lot.expiresAt ? fromDbTime(lot.expiresAt) : membershipEnd;
}

/** Whether the lot's own expiry has passed (membership lots lapse with the membership instead). */
export function isDue(lot: Lot, now: Date): boolean {
  const at = fromDbTime(lot.expiresAt);
  return at !== null && at <= now;
}

/**
 * The order credits are spent in: the lot that expires soonest first (a lot without an end —
 * no membership to end it — last), then the oldest. Spending the soonest-expiring credits first
 * is what keeps the fewest from expiring unused.
 */
export function spendOrder(lots: Lot[], membershipEnd: Date | null): Lot[] {
  const end = (l: Lot) => lotExpiry(l, membershipEnd)?.getTime() ?? Number.POSITIVE_INFINITY;
  return [...lots].sort(
    (a, b) => end(a) - end(b) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}

/**
 * Splits `shares` (one per task, in order) over `lots` (in spend order): which lot gives how much
 * to which task. Null when the lots hold too little.
 */
export function planAllocation(
  lots: Array<Pick<Lot, 'id' | 'remaining'>>,
  shares: number[],
): Array<{ index: number; lotId: string; amount: number }> | null {
  const left = lots.map((l) => ({ id: l.id, remaining: l.remaining }));
  const plan: Array<{ index: number; lotId: string; amount: number }> = [];
  let cursor = 0;
  for (const [index, share] of shares.entries()) {
    let need = share;
    while (need > 0) {
      const lot = left[cursor];
      if (!lot) return null;
      const amount = Math.min(need, lot.remaining);
      if (amount > 0) {
        const last = plan[plan.length - 1];
        if (last && last.index === index && last.lotId === lot.id) last.amount += amount;
        else plan.push({ index, lotId: lot.id, amount });
        lot.remaining -= amount;
        need -= amount;
      }
      if (lot.remaining === 0) cursor++;
    }
  }
  return plan;
}
