import { randomUUID } from 'node:crypto';
import { claimRow, dueRows } from '../../db/leased-rows';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

export interface OutboxRow {
  id: string;
  topic: string;
  payload: string;
  attempts: number;
  next_attempt_at: string;
  status: 'pending' | 'sent' | 'dead';
  last_error: string | null;
}

/**
 * The transactional outbox: a row written in the same transaction as the business change,
 * delivered afterwards by a worker. Claiming a row pushes its next attempt into the future
 * (a lease), so two workers — or two replicas — never send the same row at once.
 */
export class OutboxRepository {
  async add(db: Db, topic: string, payload: unknown, now: Date): Promise<string> {
    const id = randomUUID();
    const t = toDbTime(now);
    await db.query(
      "INSERT INTO outbox (id, topic, payload, attempts, next_attempt_at, status, last_error, created_at, updated_at) VALUES (?, ?, ?, 0, ?, 'pending', NULL, ?, ?)",
      [id, topic, JSON.stringify(payload), t, t, t],
    );
    return id;
  }

  async due(db: Db, now: Date, limit: number): Promise<OutboxRow[]> {
    return dueRows<OutboxRow>(db, 'outbox', now, limit);
  }

  /** Takes the row for `leaseMs` and counts the attempt; false when another worker has it. */
  claim(db: Db, row: OutboxRow, now: Date, leaseMs: number): Promise<boolean> {
    return claimRow(db, 'outbox', row, now, leaseMs);
  }

  async markSent(db: Db, id: string, now: Date): Promise<void> {
    await execute(db, "UPDATE outbox SET status = 'sent', last_error = NULL, updated_at = ? WHERE id = ?", [
      toDbTime(now),
      id,
    ]);
  }

  async retryLater(db: Db, id: string, error: string, at: Date, now: Date): Promise<void> {
    await execute(db, 'UPDATE outbox SET next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?', [
      toDbTime(at),
      error.slice(0, 1000),
      toDbTime(now),
      id,
    ]);
  }

  async markDead(db: Db, id: string, error: string, now: Date): Promise<void> {
    await execute(db, "UPDATE outbox SET status = 'dead', last_error = ?, updated_at = ? WHERE id = ?", [
      error.slice(0, 1000),
      toDbTime(now),
      id,
    ]);
  }

  async findByTopic(db: Db, topic: string): Promise<OutboxRow[]> {
    return rows<OutboxRow>(db, 'SELECT * FROM outbox WHERE topic = ? ORDER BY created_at', [topic]);
  }
}
