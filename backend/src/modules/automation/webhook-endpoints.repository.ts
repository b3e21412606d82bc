import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

export interface WebhookEndpointRow {
  id: string;
  user_id: string;
  url: string;
  /** Kept in clear: signing needs the secret itself (a hash cannot produce an HMAC). */
  secret: string;
  /** JSON array of event types. */
  events: string;
  active: number;
  created_at: string;
  updated_at: string;
}

/** Queries on `webhook_endpoints`; merchant-facing ones are scoped by user id. */
export class WebhookEndpointsRepository {
  async insert(
    db: Db,
    e: { id: string; userId: string; url: string; secret: string; events: string[] },
    now: Date,
  ): Promise<void> {
    const t = toDbTime(now);
    await db.query(
      'INSERT INTO webhook_endpoints (id, user_id, url, secret, events, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)',
      [e.id, e.userId, e.url, e.secret, JSON.stringify(e.events), t, t],
    );
  }

  async listOwned(db: Db, userId: string): Promise<WebhookEndpointRow[]> {
    return rows<WebhookEndpointRow>(
      db,
      'SELECT * FROM webhook_endpoints WHERE user_id = ? ORDER BY created_at DESC, id',
      [userId],
    );
  }

  async countOwned(db: Db, userId: string): Promise<number> {
    const [row] = await rows<{ n: number | string }>(
      db,
      'SELECT COUNT(*) AS n FROM webhook_endpoints WHERE user_id = ?',
      [userId],
    );
    return Number(row?.n ?? 0);
  }

  async findOwned(db: Db, userId: string, id: string): Promise<WebhookEndpointRow | null> {
    return (
      (
        await rows<WebhookEndpointRow>(db, 'SELECT * FROM webhook_endpoints WHERE id = ? AND user_id = ?', [id, userId])
      )[0] ?? null
    );
  }

  /** Internal lookup for the delivery worker. */
  async findById(db: Db, id: string): Promise<WebhookEndpointRow | null> {
    return (await rows<WebhookEndpointRow>(db, 'SELECT * FROM webhook_endpoints WHERE id = ?', [id]))[0] ?? null;
  }

  async activeOf(db: Db, userId: string): Promise<WebhookEndpointRow[]> {
    return rows<WebhookEndpointRow>(db, 'SELECT * FROM webhook_endpoints WHERE user_id = ? AND active = 1', [userId]);
  }

  async deleteOwned(db: Db, userId: string, id: string): Promise<boolean> {
    return (await execute(db, 'DELETE FROM webhook_endpoints WHERE id = ? AND user_id = ?', [id, userId])) === 1;
  }
}

export function eventsOf(row: WebhookEndpointRow): string[] {
  return JSON.parse(row.events) as string[];
}
