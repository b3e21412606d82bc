import { randomUUID } from 'node:crypto';
import { toCamel, type Camel } from '../../db/camel';
import { isUniqueViolation } from '../../db/db-errors';
import { fromDbTime, toDbTime } from '../../db/time';
import { readRows } from '../../db/direct-read';
import { execute, rows, type Db } from '../../db/transaction';

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
 * A merchant account as services see it: camelCase, numbers as numbers whatever the driver
 * answered, no optional columns. `isMember` is the stored flag; whether the membership counts
 * now (its expiry lies ahead) is what `meOf` works out.
 */
export interface User extends Omit<Camel<UserRow>, 'avatarKey' | 'tokenVersion'> {
  avatarKey: string | null;
  tokenVersion: number;
}

export function toUser(row: UserRow): User {
  return {
    ...toCamel(row),
    isMember: Number(row.is_member),
    quotaRemaining: Number(row.quota_remaining),
    avatarKey: row.avatar_key ?? null,
    tokenVersion: Number(row.token_version ?? 0),
  };
}

/**
 * Queries on `users`. Balances (`quota_remaining`, membership columns) are read here but only
 * ever changed by the ledger module, in the same transaction as their ledger row. Reads answer
 * mapped `User`s: the rows stay inside this file (and the console's merchant list, which maps
 * them through `toUser`).
 */
export class UsersRepository {
  async findUser(db: Db, id: string): Promise<User | null> {
    // Read by every GET /me (and each create): straight on the driver outside a transaction.
    const [row] = await readRows<UserRow>(db, 'SELECT * FROM users WHERE id = ?', [id]);
    return row ? toUser(row) : null;
  }

  async findUserByPhone(db: Db, phone: string): Promise<User | null> {
    const [row] = await rows<UserRow>(db, 'SELECT * FROM users WHERE phone = ?', [phone]);
    return row ? toUser(row) : null;
  }

  /** Registers the phone on first login; a concurrent first login of the same phone wins once. */
  async findOrCreateUser(db: Db, phone: string, now = new Date()): Promise<User> {
    const existing = await this.findUserByPhone(db, phone);
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
    const created = await this.findUserByPhone(db, phone);
    if (!created) throw new Error('user vanished right after creation');
    return created;
  }

  async setNickname(db: Db, id: string, nickname: string | null, now: Date): Promise<void> {
    await execute(db, 'UPDATE users SET nickname = ?, updated_at = ? WHERE id = ?', [nickname, toDbTime(now), id]);
  }

  /** Gives a merchant without a nickname this one; a nickname already set stays. */
  async fillNickname(db: Db, id: string, nickname: string, now: Date): Promise<void> {
    await execute(db, 'UPDATE users SET nickname = ?, updated_at = ? WHERE id = ? AND nickname IS NULL', [
      nickname,
      toDbTime(now),
      id,
    ]);
  }

  async setAvatarKey(db: Db, id: string, key: string | null, now: Date): Promise<void> {
    await execute(db, 'UPDATE users SET avatar_key = ?, updated_at = ? WHERE id = ?', [key, toDbTime(now), id]);
  }

  /**
   * Moves the account from phone `from` to `to`; 0 when its phone is no longer `from`. A number
   * another account holds surfaces as a unique violation (see isUniqueViolation).
   */
  async changePhone(db: Db, id: string, from: string, to: string, now: Date): Promise<number> {
    return execute(db, 'UPDATE users SET phone = ?, updated_at = ? WHERE id = ? AND phone = ?', [
      to,
      toDbTime(now),
      id,
      from,
    ]);
  }

  /** The version a merchant token must carry (see MerchantSessions); null when there is no such user. */
  async tokenVersion(db: Db, id: string): Promise<number | null> {
    const [row] = await rows<{ token_version: number | string }>(db, 'SELECT token_version FROM users WHERE id = ?', [
      id,
    ]);
    return row ? Number(row.token_version) : null;
  }

  /** Moves the token version on and answers the new one (0 when there is no such user). */
  async bumpTokenVersion(db: Db, id: string): Promise<number> {
    await execute(db, 'UPDATE users SET token_version = token_version + 1 WHERE id = ?', [id]);
    return (await this.tokenVersion(db, id)) ?? 0;
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
export function meOf(user: User, now = new Date()): Me {
  const expireAt = fromDbTime(user.quotaExpireAt);
  const active = Boolean(user.isMember) && expireAt !== null && expireAt > now;
  return {
    id: user.id,
    phone: user.phone,
    nickname: user.nickname,
    isMember: active,
    quotaRemaining: user.quotaRemaining,
    quotaExpireAt: expireAt?.toISOString() ?? null,
    avatarUrl: user.avatarKey?.startsWith(AVATAR_PREFIX)
      ? AVATAR_ROUTE + user.avatarKey.slice(AVATAR_PREFIX.length)
      : null,
  };
}
