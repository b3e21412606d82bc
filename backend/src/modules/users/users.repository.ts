import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../db/db-errors';
import { fromDbTime, toDbTime } from '../../db/time';
import { rows, type Db } from '../../db/transaction';

export interface UserRow {
  id: string;
  phone: string;
  nickname: string | null;
  is_member: number;
  quota_remaining: number;
  quota_expire_at: string | null;
  /** Storage key of the profile picture (`avatar/<userId>/<sha256>.jpg`), if any. */
  avatar_key?: string | null;
  /** Moves on when the merchant signs out everywhere; tokens carry the version they were issued under. */
  token_version?: number | string;
  created_at: string;
  updated_at: string;
}

/**
 * Queries on `users`. Balances (`quota_remaining`, membership columns) are read here but only
 * ever changed by the ledger module, in the same transaction as their ledger row.
 */
export class UsersRepository {
  async findById(db: Db, id: string): Promise<UserRow | null> {
    return (await rows<UserRow>(db, 'SELECT * FROM users WHERE id = ?', [id]))[0] ?? null;
  }

  async findByPhone(db: Db, phone: string): Promise<UserRow | null> {
    return (await rows<UserRow>(db, 'SELECT * FROM users WHERE phone = ?', [phone]))[0] ?? null;
  }

  /** Registers the phone on first login; a concurrent first login of the same phone wins once. */
  async findOrCreateByPhone(db: Db, phone: string, now = new Date()): Promise<UserRow> {
    const existing = await this.findByPhone(db, phone);
    if (existing) return existing;
    const t = toDbTime(now);
    try {
      await db.query(
        'INSERT INTO users (id, phone, nickname, is_member, quota_remaining, quota_expire_at, created_at, updated_at) VALUES (?, ?, NULL, 0, 0, NULL, ?, ?)',
        [randomUUID(), phone, t, t],
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const created = await this.findByPhone(db, phone);
    if (!created) throw new Error('user vanished right after creation');
    return created;
  }
}

/** The `Me` shape of docs/architecture.md §7. */
export interface Me {
  id: string;
  phone: string;
  nickname: string | null;
  isMember: boolean;
  quotaRemaining: number;
  quotaExpireAt: string | null;
  /** Path of the profile picture on this backend (`/api/v1/avatars/<userId>/<sha256>.jpg`), or null. */
  avatarUrl: string | null;
}

/** Where `GET /api/v1/avatars/...` finds a picture: the storage key without its `avatar/` prefix. */
export const AVATAR_PREFIX = 'avatar/';
export const AVATAR_ROUTE = '/api/v1/avatars/';

/** A membership counts only while its expiry lies ahead, even before the downgrade runs. */
export function toMe(row: UserRow, now = new Date()): Me {
  const expireAt = fromDbTime(row.quota_expire_at);
  const active = Boolean(row.is_member) && expireAt !== null && expireAt > now;
  return {
    id: row.id,
    phone: row.phone,
    nickname: row.nickname,
    isMember: active,
    quotaRemaining: row.quota_remaining,
    quotaExpireAt: expireAt?.toISOString() ?? null,
    avatarUrl: row.avatar_key?.startsWith(AVATAR_PREFIX)
      ? AVATAR_ROUTE + row.avatar_key.slice(AVATAR_PREFIX.length)
      : null,
  };
}
