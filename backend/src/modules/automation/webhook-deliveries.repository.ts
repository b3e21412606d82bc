import { randomUUID } from 'node:crypto';
import { toCamel, type Camel } from '../../db/camel';
import type { LeasedQueue } from '../../db/leased-row-worker';
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

/** A delivery as services and the worker see it (camelCase; values as stored). */
export type WebhookDelivery = Camel<DeliveryRow>;

/**
 * The row the leased-row worker claimed, as the worker's pass reads it. The generic worker
 * (db/leased-row-worker.ts) selects and claims rows of either queue table itself, so the mapping
 * happens here, at this table's edge, rather than in its query.
 */
export const toDelivery = (row: DeliveryRow): WebhookDelivery => toCamel(row);

/** What an attempt tells the delivery log besides its outcome. */
export interface DeliveryDetail {
  statusCode: number | null;
}

export interface NewDelivery {
  endpointId: string;
  userId: string;
  eventId: string;
  eventType: string;
  taskId: string | null;
}

/**
 * `webhook_deliveries`, an outbox per endpoint, worked by the leased-row worker (a lease keeps
 * two workers or replicas from sending the same row at once); this class writes each attempt's
 * end in the table's words: `delivered`, `pending` again, or `failed`. A delivered row is never
 * picked again.
 */
export class WebhookDeliveriesRepository implements LeasedQueue<DeliveryRow, DeliveryDetail> {
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

  readonly table = 'webhook_deliveries' as const;

  async markSent(db: Db, row: DeliveryRow, now: Date, detail: DeliveryDetail | undefined): Promise<void> {
    const t = toDbTime(now);
    await execute(
      db,
      "UPDATE webhook_deliveries SET status = 'delivered', last_status_code = ?, last_error = NULL, delivered_at = ?, updated_at = ? WHERE id = ?",
      [detail?.statusCode ?? null, t, t, row.id],
    );
  }

  /** Records a failed attempt that will be tried again at `at`. */
  async markRetry(
    db: Db,
    row: DeliveryRow,
    at: Date,
    error: string,
    now: Date,
    detail: DeliveryDetail | undefined,
  ): Promise<void> {
    await this.recordFailure(db, row.id, 'pending', at, error, now, detail);
  }

  /** Records the last failed attempt: the delivery is `failed` for good. */
  async markDead(
    db: Db,
    row: DeliveryRow,
    error: string,
    now: Date,
    detail: DeliveryDetail | undefined,
  ): Promise<void> {
    await this.recordFailure(db, row.id, 'failed', now, error, now, detail);
  }

  private async recordFailure(
    db: Db,
    id: string,
    status: DeliveryStatus,
    nextAttemptAt: Date,
    error: string,
    now: Date,
    detail: DeliveryDetail | undefined,
  ): Promise<void> {
    const t = toDbTime(now);
    await execute(
      db,
      `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = ? WHERE id = ?`,
      [status, toDbTime(nextAttemptAt), detail?.statusCode ?? null, error.slice(0, 1000), t, id],
    );
  }

  async listForEndpoint(db: Db, userId: string, endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const found = await rows<DeliveryRow>(
      db,
      'SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND user_id = ? ORDER BY created_at DESC, id LIMIT ?',
      [endpointId, userId, limit],
    );
    return found.map(toDelivery);
  }

  async findById(db: Db, id: string): Promise<WebhookDelivery | null> {
    const [found] = await rows<DeliveryRow>(db, 'SELECT * FROM webhook_deliveries WHERE id = ?', [id]);
    return found ? toDelivery(found) : null;
  }

  async deleteForEndpoint(db: Db, endpointId: string): Promise<void> {
    await execute(db, 'DELETE FROM webhook_deliveries WHERE endpoint_id = ?', [endpointId]);
  }
}
