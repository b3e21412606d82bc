import { toDbTime } from './time';
import { execute, type Db } from './transaction';

/**
 * Takes the merchant's `users` row lock for the rest of the transaction (a no-op write: SQLite
 * has no `FOR UPDATE`, and on MySQL/MariaDB the write lock is held until commit). Use it before a
 * "count, then insert if under the cap" so two concurrent transactions of one merchant run one
 * after the other: the second counts only after the first committed (InnoDB takes the consistent
 * snapshot at the first plain read, which comes after this lock). False when there is no such user.
 */
export async function lockUserRow(db: Db, userId: string, now: Date = new Date()): Promise<boolean> {
  return (await execute(db, 'UPDATE users SET updated_at = ? WHERE id = ?', [toDbTime(now), userId])) === 1;
}
