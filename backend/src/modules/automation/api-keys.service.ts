import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { fromDbTime, isoOrNull } from '../../db/time';
import { inTransaction, type Db } from '../../db/transaction';
import { lockUserRow } from '../../db/user-lock';
import { ConflictError, NotFoundError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import { API_KEY_PREFIX, type ApiKeyResolver, type AuthUser } from '../auth/auth.middleware';
import type { ApiKey, ApiKeysRepository } from './api-keys.repository';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

/** last_used_at is informative; writing it on every request would turn each call into a write. */
const TOUCH_INTERVAL_MS = 60_000;
/** Enough for every integration a merchant runs; a bound keeps a leaked JWT from minting thousands. */
export const MAX_ACTIVE_KEYS = 20;

/**
 * API keys for merchant automation: `ak_<prefix>_<32 random bytes, base64url>`, shown once.
 * Only the SHA-256 of the whole key is stored: with 256 random bits a plain hash cannot be
 * brute-forced, and an unsalted hash can be looked up by its unique index on every request.
 * The prefix (not secret) lets a merchant tell keys apart in the list.
 */
export interface ApiKeyHooks {
  /** Runs inside the revoking transaction when a key stops working (its webhook endpoints go). */
  onRevoke?: (tx: Db, userId: string, keyId: string) => Promise<void>;
  now?: () => Date;
}

export class ApiKeysService implements ApiKeyResolver {
  private readonly now: () => Date;

  constructor(
    private readonly db: DataSource,
    private readonly keys: ApiKeysRepository,
    private readonly logger: Logger,
    private readonly hooks: ApiKeyHooks = {},
  ) {
    this.now = hooks.now ?? (() => new Date());
  }

  async create(userId: string, name: string): Promise<ApiKeyView & { key: string }> {
    const prefix = randomBytes(4).toString('hex');
    const key = `${API_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    await inTransaction(this.db, async (tx) => {
      // Count and insert under the merchant's row lock, so concurrent creates cannot pass the cap together.
      await lockUserRow(tx, userId, this.now());
      if ((await this.keys.countActive(tx, userId)) >= MAX_ACTIVE_KEYS) {
        throw new ConflictError(`At most ${MAX_ACTIVE_KEYS} active API keys; revoke one first`, 'API_KEY_LIMIT');
      }
      await this.keys.insert(tx, { id, userId, name, prefix, hash: hashKey(key) }, this.now());
    });
    const created = (await this.keys.listOwned(this.db.manager, userId)).find((k) => k.id === id)!;
    return { ...toView(created), key };
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    return (await this.keys.listOwned(this.db.manager, userId)).map(toView);
  }

  /** Revoking twice is fine; someone else's key is "not found" (never revealed). */
  async revoke(userId: string, id: string): Promise<void> {
    const revoked = await inTransaction(this.db, async (tx) => {
      if (!(await this.keys.revoke(tx, userId, id, this.now()))) return false;
      await this.hooks.onRevoke?.(tx, userId, id);
      return true;
    });
    if (!revoked && !(await this.keys.existsOwned(this.db.manager, userId, id)))
      throw new NotFoundError('API key not found', 'API_KEY_NOT_FOUND');
  }

  /** The requireUser hook: the key's owner, or null for unknown and revoked keys. */
  async resolve(key: string): Promise<AuthUser | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 128) return null;
    const found = await this.keys.findActiveByHash(this.db.manager, hashKey(key));
    if (!found) return null;
    const now = this.now();
    const lastUsed = fromDbTime(found.lastUsedAt);
    if (!lastUsed || now.getTime() - lastUsed.getTime() >= TOUCH_INTERVAL_MS) {
      const olderThan = new Date(now.getTime() - TOUCH_INTERVAL_MS);
      // Best effort: a failed bookkeeping write must not refuse an authenticated request.
      await inTransaction(this.db, (tx) => this.keys.touch(tx, found.id, now, olderThan)).catch((err: unknown) =>
        this.logger.warn({ err, apiKeyId: found.id }, 'could not record API key use'),
      );
    }
    return { id: found.userId, phone: found.phone, apiKeyId: found.id };
  }
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function toView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.keyPrefix,
    lastUsedAt: isoOrNull(row.lastUsedAt),
    revokedAt: isoOrNull(row.revokedAt),
    createdAt: isoOrNull(row.createdAt)!,
  };
}
