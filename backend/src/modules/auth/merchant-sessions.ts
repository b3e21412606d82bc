import type { DataSource } from 'typeorm';
import { UnauthorizedError } from '../../errors/app-error';
import type { Db } from '../../db/transaction';
import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../infra/logger';
import type { UsersRepository } from '../users/users.repository';

/** The pub/sub channel on which a replica announces that a merchant's sessions ended. */
export const SESSIONS_CHANNEL = 'sessions-ended';

export interface MerchantSessionsOptions {
  /**
   * How long a replica trusts the version it read, in case an announcement was lost (a Redis
   * reconnect). Announcements normally reach every replica at once; this bounds the rest.
   */
  cacheMs?: number;
  /** Users whose version is remembered at most (oldest dropped first). */
  maxEntries?: number;
  now?: () => number;
}

export interface MerchantSessionsDeps {
  ds: DataSource;
  /** Keeps the version (`tokenVersion`, `bumpTokenVersion`). */
  users: UsersRepository;
  kv: KeyValueStore;
  logger: Logger;
}

export const sessionEnded = () => new UnauthorizedError('This sign-in has ended; sign in again', 'SESSION_ENDED');

/**
 * Sign out everywhere: every merchant token carries the `users.token_version` it was issued under
 * (`tv`, 0 for tokens older than the column), and is refused once the version moved on. Bumping
 * the version (sign out everywhere, a phone change) is one UPDATE; the replica that did it forgets
 * its cached version at once and announces the user on the KV store's pub/sub, so every other
 * replica forgets it too. Reads are cached per process (a Map lookup per request, not a query).
 */
export class MerchantSessions {
  private readonly versions = new Map<string, { version: number; at: number }>();
  private readonly listeners = new Set<(userId: string) => void>();
  /** Counts forgets: a read that overlapped one may have seen the old version, so it is not cached. */
  private epoch = 0;
  private readonly cacheMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly ds: DataSource;
  private readonly users: UsersRepository;
  private readonly kv: KeyValueStore;
  private readonly logger: Logger;

  constructor(deps: MerchantSessionsDeps, options: MerchantSessionsOptions = {}) {
    this.ds = deps.ds;
    this.users = deps.users;
    this.kv = deps.kv;
    this.logger = deps.logger;
    this.cacheMs = options.cacheMs ?? 10_000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Listens for other replicas' announcements; returns the unsubscribe. */
  async start(): Promise<() => Promise<void>> {
    return this.kv.subscribe(SESSIONS_CHANNEL, (userId) => this.forgetLocally(userId));
  }

  /** Called with the user id whenever that merchant's sessions end (e.g. to close their sockets). */
  onEnded(listener: (userId: string) => void): void {
    this.listeners.add(listener);
  }

  /** The version a token must carry to be accepted; null when the user does not exist. */
  async current(userId: string): Promise<number | null> {
    const cached = this.versions.get(userId);
    if (cached && this.now() - cached.at < this.cacheMs) return cached.version;
    const epoch = this.epoch;
    const version = await this.users.tokenVersion(this.ds.manager, userId);
    if (version === null) return null;
    if (epoch !== this.epoch) return version;
    this.versions.delete(userId);
    this.versions.set(userId, { version, at: this.now() });
    if (this.versions.size > this.maxEntries) {
      const oldest = this.versions.keys().next().value;
      if (oldest !== undefined) this.versions.delete(oldest);
    }
    return version;
  }

  /** Throws 401 SESSION_ENDED unless a token with version `tokenVersion` is still good for the user. */
  async assertCurrent(userId: string, tokenVersion: number | undefined): Promise<void> {
    const version = await this.current(userId);
    if (version === null || (tokenVersion ?? 0) !== version) throw sessionEnded();
  }

  /**
   * Moves the user's version on (in `db`, so a caller's transaction can include it) and answers
   * the new one. Call `ended(userId)` after the transaction commits.
   */
  async bump(db: Db, userId: string): Promise<number> {
    return this.users.bumpTokenVersion(db, userId);
  }

  /** After a bump committed: forget here, tell the other replicas. */
  async ended(userId: string): Promise<void> {
    this.forgetLocally(userId);
    try {
      await this.kv.publish(SESSIONS_CHANNEL, userId);
    } catch (err) {
      // Other replicas then learn it when their cached version ages out (cacheMs).
      this.logger.error({ err, userId }, 'could not announce ended sessions to other replicas');
    }
  }

  private forgetLocally(userId: string): void {
    this.epoch++;
    this.versions.delete(userId);
    for (const listener of this.listeners) {
      try {
        listener(userId);
      } catch (err) {
        this.logger.warn({ err }, 'a sessions-ended listener failed');
      }
    }
  }
}
