import { MemoryNonceStore } from './nonce-store';
import { RedisClient, parseRedisUrl } from './redis/redis-client';
import { NONCE_TTL_SECONDS } from './signature';

/**
 * What the AI Photo Trigger remembers between requests: dispatch nonces (replay protection) and
 * the tasks it already started (a resent dispatch starts nothing). `checkAndRemember` answers
 * whether `key` was already remembered and remembers it otherwise, atomically.
 */
export interface SeenStore {
  checkAndRemember(key: string, nowMs: number): boolean | Promise<boolean>;
}

export interface TriggerMemory {
  nonces: SeenStore;
  startedTasks: SeenStore;
  /** `redis` when every n8n process sharing the Redis shares the memory; `process` otherwise. */
  scope: 'redis' | 'process';
}

export const NONCE_TTL_MS = NONCE_TTL_SECONDS * 1000;
/** Longer than any task's deadline: a dispatch is resent only while its task is still queued. */
export const STARTED_TASK_TTL_MS = 6 * 3600 * 1000;
/** Every key the trigger writes starts with this, so an operator can find (and count) them. */
export const REDIS_KEY_PREFIX = 'aiphoto:trigger:';

/**
 * A SeenStore in Redis: `SET <prefix><key> 1 PX <ttl> NX` is one atomic step, so of two n8n
 * processes receiving the same key at once exactly one is told "first". The expiry is Redis's
 * own, so the memory is bounded by time in Redis as it is in a process.
 */
export class RedisSeenStore implements SeenStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  async checkAndRemember(key: string): Promise<boolean> {
    const reply = await this.client.command(['SET', `${this.prefix}${key}`, '1', 'PX', String(this.ttlMs), 'NX']);
    // OK: written now, so not seen before; nil: the key was there.
    return reply !== 'OK';
  }
}

/** Nonces and started tasks of this process, used when no Redis is configured. */
export const processMemory = {
  nonces: new MemoryNonceStore(NONCE_TTL_MS),
  startedTasks: new MemoryNonceStore(STARTED_TASK_TTL_MS),
  scope: 'process' as const,
} satisfies TriggerMemory;

/** One client per Redis URL in this process; a changed credential replaces the oldest. */
const clients = new Map<string, RedisClient>();
const MAX_CLIENTS = 4;

function clientFor(url: string): RedisClient {
  const known = clients.get(url);
  if (known) return known;
  const client = new RedisClient(parseRedisUrl(url));
  if (clients.size >= MAX_CLIENTS) {
    const [oldestUrl, oldest] = clients.entries().next().value as [string, RedisClient];
    oldest.close();
    clients.delete(oldestUrl);
  }
  clients.set(url, client);
  return client;
}

/**
 * The memory for a credential's Redis URL: shared through Redis when one is set (n8n in queue
 * mode, several webhook processes), this process's own otherwise. Throws on a malformed URL.
 */
export function triggerMemory(redisUrl: string | undefined): TriggerMemory {
  const url = redisUrl?.trim();
  if (!url) return processMemory;
  const client = clientFor(url);
  return {
    nonces: new RedisSeenStore(client, `${REDIS_KEY_PREFIX}nonce:`, NONCE_TTL_MS),
    startedTasks: new RedisSeenStore(client, `${REDIS_KEY_PREFIX}task:`, STARTED_TASK_TTL_MS),
    scope: 'redis',
  };
}

/** Closes the Redis connections this process opened (tests, shutdown). */
export function closeTriggerMemory(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}
