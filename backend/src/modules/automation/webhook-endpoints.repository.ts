import { toCamel, type Camel } from '../../db/camel';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

interface WebhookEndpointRow {
  id: string;
  user_id: string;
  url: string;
  /** Kept in clear: signing needs the secret itself (a hash cannot produce an HMAC). */
  secret: string;
  /** JSON array of event types. */
  events: string;
  active: number;
  /** The API key that registered the endpoint (null: made in the portal). */
  api_key_id: string | null;
  /** That key's visible prefix, joined in for merchant-facing reads. */
  api_key_prefix?: string | null;
  created_at: string;
  updated_at: string;
}

/** A merchant's webhook endpoint as services see it. */
export type WebhookEndpoint = Camel<WebhookEndpointRow>;

const mapped = (found: WebhookEndpointRow[]): WebhookEndpoint[] => found.map((row) => toCamel(row));

/**
 * Whose endpoints a request may touch: with the portal sign-in all of the merchant's, with an
 * API key only those that key registered (a leaked key cannot see or remove the others).
 */
export interface EndpointScope {
  userId: string;
  apiKeyId?: string;
}

const SELECT_VIEW = `SELECT e.*, k.key_prefix AS api_key_prefix
   FROM webhook_endpoints e LEFT JOIN api_keys k ON k.id = e.api_key_id`;

function scoped(scope: EndpointScope): { sql: string; args: string[] } {
  return scope.apiKeyId
    ? { sql: 'e.user_id = ? AND e.api_key_id = ?', args: [scope.userId, scope.apiKeyId] }
    : { sql: 'e.user_id = ?', args: [scope.userId] };
}

/** Queries on `webhook_endpoints`; merchant-facing ones are scoped by user id (and API key). */
export class WebhookEndpointsRepository {
  async insert(
    db: Db,
    e: { id: string; userId: string; url: string; secret: string; events: string[]; apiKeyId: string | null },
    now: Date,
  ): Promise<void> {
    const t = toDbTime(now);
    await db.query(
      'INSERT INTO webhook_endpoints (id, user_id, url, secret, events, active, api_key_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)',
      [e.id, e.userId, e.url, e.secret, JSON.stringify(e.events), e.apiKeyId, t, t],
    );
  }

  async listOwned(db: Db, scope: EndpointScope): Promise<WebhookEndpoint[]> {
    const where = scoped(scope);
    return mapped(
      await rows<WebhookEndpointRow>(
        db,
        `${SELECT_VIEW} WHERE ${where.sql} ORDER BY e.created_at DESC, e.id`,
        where.args,
      ),
    );
  }

  /** The per-merchant cap counts every endpoint, whoever registered it. */
  async countOwned(db: Db, userId: string): Promise<number> {
    const [row] = await rows<{ n: number | string }>(
      db,
      'SELECT COUNT(*) AS n FROM webhook_endpoints WHERE user_id = ?',
      [userId],
    );
    return Number(row?.n ?? 0);
  }

  async findOwned(db: Db, scope: EndpointScope, id: string): Promise<WebhookEndpoint | null> {
    const where = scoped(scope);
    const [found] = mapped(
      await rows<WebhookEndpointRow>(db, `${SELECT_VIEW} WHERE e.id = ? AND ${where.sql}`, [id, ...where.args]),
    );
    return found ?? null;
  }

  /** Internal lookup for the delivery worker. */
  async findById(db: Db, id: string): Promise<WebhookEndpoint | null> {
    const [found] = mapped(await rows<WebhookEndpointRow>(db, 'SELECT * FROM webhook_endpoints WHERE id = ?', [id]));
    return found ?? null;
  }

  async activeOf(db: Db, userId: string): Promise<WebhookEndpoint[]> {
    return mapped(
      await rows<WebhookEndpointRow>(db, 'SELECT * FROM webhook_endpoints WHERE user_id = ? AND active = 1', [userId]),
    );
  }

  async deleteOwned(db: Db, scope: EndpointScope, id: string): Promise<boolean> {
    const where = scoped(scope);
    // No alias in a DELETE (MySQL and SQLite disagree on the syntax); the condition names the columns.
    return (
      (await execute(db, `DELETE FROM webhook_endpoints WHERE id = ? AND ${where.sql.replace(/e\./g, '')}`, [
        id,
        ...where.args,
      ])) === 1
    );
  }

  /** Ids of the endpoints one API key registered (removed with the key). */
  async idsOfKey(db: Db, userId: string, apiKeyId: string): Promise<string[]> {
    return (
      await rows<{ id: string }>(db, 'SELECT id FROM webhook_endpoints WHERE user_id = ? AND api_key_id = ?', [
        userId,
        apiKeyId,
      ])
    ).map((r) => r.id);
  }
}

export function eventsOf(row: WebhookEndpoint): string[] {
  return JSON.parse(row.events) as string[];
}
