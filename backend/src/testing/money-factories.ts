import { randomInt, randomUUID } from 'node:crypto';
import { toDbTime } from '../db/time';
import type { Db } from '../db/transaction';

export interface TestUserOverrides {
  phone?: string;
  isMember?: boolean;
  /** Credits, written with a matching `adjust` ledger row so the invariant holds from the start. */
  quota?: number;
  expireAt?: Date | null;
}

/**
 * Creates a user for money tests. The opening balance is recorded as an `adjust` ledger entry
 * and lot, as an admin top-up would be, so `balance == SUM(delta) == SUM(lots)` holds for every
 * user a test makes.
 */
export async function createTestUser(db: Db, overrides: TestUserOverrides = {}): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  const quota = overrides.quota ?? 0;
  const isMember = overrides.isMember ?? quota > 0;
  const expireAt =
    overrides.expireAt === undefined
      ? isMember
        ? new Date(now.getTime() + 30 * 86_400_000)
        : null
      : overrides.expireAt;
  await db.query(
    'INSERT INTO users (id, phone, nickname, is_member, quota_remaining, quota_expire_at, created_at, updated_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)',
    [
      id,
      overrides.phone ?? `139${String(randomInt(0, 1e8)).padStart(8, '0')}`,
      isMember ? 1 : 0,
      quota,
      expireAt ? toDbTime(expireAt) : null,
      toDbTime(now),
      toDbTime(now),
    ],
  );
  if (quota) {
    const key = `adjust:${randomUUID()}`;
    await db.query(
      'INSERT INTO quota_ledger (id, user_id, delta, balance_after, kind, idempotency_key, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [randomUUID(), id, quota, quota, 'adjust', key, 'test opening balance', toDbTime(now)],
    );
    // ...and held in one lot that lasts as long as the membership, as an admin top-up is.
    await db.query(
      "INSERT INTO credit_lots (id, user_id, source, ledger_key, amount, remaining, expires_at, expired_at, created_at) VALUES (?, ?, 'adjust', ?, ?, ?, NULL, NULL, ?)",
      [randomUUID(), id, key, quota, quota, toDbTime(now)],
    );
  }
  return id;
}
