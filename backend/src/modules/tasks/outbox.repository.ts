import { randomUUID } from 'node:crypto';
import type { LeasedQueue } from '../../db/leased-row-worker';
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
 * delivered afterwards by the leased-row worker (db/leased-row-worker.ts), which claims rows with a
 * lease so two workers — or two replicas — never send the same row at once; this class writes how
 * each attempt ended.
 */
export class OutboxRepository implements LeasedQueue<OutboxRow> {
  async add(db: Db, topic: string, payload: unknown, now: Date): Promise<string> {
    const [id] = await this.addMany(db, topic, [{ payload, at: now }]);
    return id;
  }

  /** Several rows of one topic in ONE statement (a batch of tasks); each due from its own `at`. */
  async addMany(db: Db, topic: string, entries: Array<{ payload: unknown; at: Date }>): Promise<string[]> {
    if (!entries.length) return [];
    const ids = entries.map(() => randomUUID());
    const params: unknown[] = [];
    entries.forEach((e, i) => {
      const t = toDbTime(e.at);
      params.push(ids[i], topic, JSON.stringify(e.payload), t, t, t);
    });
    await db.query(
      `INSERT INTO outbox (id, topic, payload, attempts, next_attempt_at, status, last_error, created_at, updated_at)
       VALUES ${entries.map(() => "(?, ?, ?, 0, ?, 'pending', NULL, ?, ?)").join(', ')}`,
      params,
    );
    return ids;
  }

  readonly table = 'outbox' as const;

  async markSent(db: Db, row: OutboxRow, now: Date): Promise<void> {
    await execute(db, "UPDATE outbox SET status = 'sent', last_error = NULL, updated_at = ? WHERE id = ?", [
      toDbTime(now),
      row.id,
    ]);
  }

  async markRetry(db: Db, row: OutboxRow, at: Date, error: string, now: Date): Promise<void> {
    await execute(db, 'UPDATE outbox SET next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?', [
      toDbTime(at),
      error.slice(0, 1000),
      toDbTime(now),
      row.id,
    ]);
  }

  async markDead(db: Db, row: OutboxRow, error: string, now: Date): Promise<void> {
    await execute(db, "UPDATE outbox SET status = 'dead', last_error = ?, updated_at = ? WHERE id = ?", [
      error.slice(0, 1000),
      toDbTime(now),
      row.id,
    ]);
  }

  async findByTopic(db: Db, topic: string): Promise<OutboxRow[]> {
    return rows<OutboxRow>(db, 'SELECT * FROM outbox WHERE topic = ? ORDER BY created_at', [topic]);
  }
}
