import { randomUUID } from 'node:crypto';
import { claimRow, dueRows } from '../../db/leased-rows';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  user_id: string;
  event_id: string;
  event_type: string;
  task_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewDelivery {
  endpointId: string;
  userId: string;
  eventId: string;
  eventType: string;
  taskId: string | null;
}

/**
 * `webhook_deliveries`, an outbox per endpoint: claiming a row pushes its next attempt into the
 * future (a lease) so two workers or replicas never send the same row at once, and a delivered
 * row is never picked again.
 */
export class WebhookDeliveriesRepository {
  async add(
    db: Db,
    d: NewDelivery,
    now: Date,
    done?: { status: DeliveryStatus; statusCode: number | null; error: string | null },
  ): Promise<string> {
    const id = randomUUID();
    const t = toDbTime(now);
    await db.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, user_id, event_id, event_type, task_id, status, attempts, next_attempt_at,
                                       last_status_code, last_error, delivered_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        d.endpointId,
        d.userId,
        d.eventId,
        d.eventType,
        d.taskId,
        done?.status ?? 'pending',
        done ? 1 : 0,
        t,
        done?.statusCode ?? null,
        done?.error ?? null,
        done?.status === 'delivered' ? t : null,
        t,
        t,
      ],
    );
    return id;
  }

  async due(db: Db, now: Date, limit: number): Promise<DeliveryRow[]> {
    return dueRows<DeliveryRow>(db, 'webhook_deliveries', now, limit);
  }

  /** Takes the row for `leaseMs` and counts the attempt; false when another worker has it. */
  claim(db: Db, row: DeliveryRow, now: Date, leaseMs: number): Promise<boolean> {
    return claimRow(db, 'webhook_deliveries', row, now, leaseMs);
  }

  async markDelivered(db: Db, id: string, statusCode: number | null, now: Date): Promise<void> {
    const t = toDbTime(now);
    await execute(
      db,
      "UPDATE webhook_deliveries SET status = 'delivered', last_status_code = ?, last_error = NULL, delivered_at = ?, updated_at = ? WHERE id = ?",
      [statusCode, t, t, id],
    );
  }

  /** Records the failed attempt; `retryAt` null means the attempts are used up. */
  async markFailedAttempt(
    db: Db,
    id: string,
    statusCode: number | null,
    error: string,
    retryAt: Date | null,
    now: Date,
  ): Promise<void> {
    const t = toDbTime(now);
    await execute(
      db,
      `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = ? WHERE id = ?`,
      [retryAt ? 'pending' : 'failed', retryAt ? toDbTime(retryAt) : t, statusCode, error.slice(0, 1000), t, id],
    );
  }

  async listForEndpoint(db: Db, userId: string, endpointId: string, limit: number): Promise<DeliveryRow[]> {
    return rows<DeliveryRow>(
      db,
      'SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND user_id = ? ORDER BY created_at DESC, id LIMIT ?',
      [endpointId, userId, limit],
    );
  }

  async findById(db: Db, id: string): Promise<DeliveryRow | null> {
    return (await rows<DeliveryRow>(db, 'SELECT * FROM webhook_deliveries WHERE id = ?', [id]))[0] ?? null;
  }

  async deleteForEndpoint(db: Db, endpointId: string): Promise<void> {
    await execute(db, 'DELETE FROM webhook_deliveries WHERE endpoint_id = ?', [endpointId]);
  }
}
