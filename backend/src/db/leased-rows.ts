import { toDbTime } from './time';
import { execute, rows, type Db } from './transaction';

/**
 * Work queues kept as rows (the task outbox, webhook deliveries): `status = 'pending'` rows whose
 * `next_attempt_at` has come are due; a worker claims one by pushing `next_attempt_at` past a lease
 * and counting the attempt, conditional on the value it read, so two workers (or two replicas)
 * never take the same row at once.
 */
export type LeasedTable = 'outbox' | 'webhook_deliveries';

export interface LeasedRow {
  id: string;
  next_attempt_at: string;
}

export function dueRows<T extends LeasedRow>(db: Db, table: LeasedTable, now: Date, limit: number): Promise<T[]> {
  return rows<T>(
    db,
    `SELECT * FROM ${table} WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
    [toDbTime(now), limit],
  );
}

/** Takes the row for `leaseMs` and counts the attempt; false when another worker claimed it first. */
export async function claimRow(
  db: Db,
  table: LeasedTable,
  row: LeasedRow,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const changed = await execute(
    db,
    `UPDATE ${table} SET next_attempt_at = ?, attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?`,
    [toDbTime(new Date(now.getTime() + leaseMs)), toDbTime(now), row.id, row.next_attempt_at],
  );
  return changed === 1;
}
