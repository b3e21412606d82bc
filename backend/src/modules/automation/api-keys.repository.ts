import { toCamel, type Camel } from '../../db/camel';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  key_prefix: string;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

/** An API key as services see it (never its hash). */
export type ApiKey = Camel<ApiKeyRow>;

/** Queries on `api_keys`. Only the hash of a key is ever stored or compared. */
export class ApiKeysRepository {
  async insert(
    db: Db,
    key: { id: string; userId: string; name: string; prefix: string; hash: string },
    now: Date,
  ): Promise<void> {
    await db.query(
      'INSERT INTO api_keys (id, user_id, name, key_prefix, key_hash, last_used_at, revoked_at, created_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)',
      [key.id, key.userId, key.name, key.prefix, key.hash, toDbTime(now)],
    );
  }

  /** Own keys, revoked ones included (they show when they stopped working), newest first. */
  async listOwned(db: Db, userId: string): Promise<ApiKey[]> {
    const found = await rows<ApiKeyRow>(
      db,
      'SELECT id, user_id, name, key_prefix, last_used_at, revoked_at, created_at FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, id',
      [userId],
    );
    return found.map((row) => toCamel(row));
  }

  async countActive(db: Db, userId: string): Promise<number> {
    const [row] = await rows<{ n: number | string }>(
      db,
      'SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ? AND revoked_at IS NULL',
      [userId],
    );
    return Number(row?.n ?? 0);
  }

  /** True when the caller's key existed and was not yet revoked. */
  async revoke(db: Db, userId: string, id: string, now: Date): Promise<boolean> {
    return (
      (await execute(db, 'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL', [
        toDbTime(now),
        id,
        userId,
      ])) === 1
    );
  }

  async existsOwned(db: Db, userId: string, id: string): Promise<boolean> {
    return (await rows(db, 'SELECT id FROM api_keys WHERE id = ? AND user_id = ?', [id, userId])).length > 0;
  }

  /** The active key with this hash and its owner's phone (for the request's AuthUser). */
  async findActiveByHash(db: Db, hash: string): Promise<(ApiKey & { phone: string }) | null> {
    const found = await rows<ApiKeyRow & { phone: string }>(
      db,
      `SELECT k.id, k.user_id, k.name, k.key_prefix, k.last_used_at, k.revoked_at, k.created_at, u.phone
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.key_hash = ? AND k.revoked_at IS NULL`,
      [hash],
    );
    return found[0] ? toCamel(found[0]) : null;
  }

  /** Conditional, so concurrent requests within the same minute write it once. */
  async touch(db: Db, id: string, now: Date, olderThan: Date): Promise<void> {
    await execute(
      db,
      'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
      [toDbTime(now), id, toDbTime(olderThan)],
    );
  }
}
