import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { throttled } from '../throttled-log';
import type { KeyValueStore, Unsubscribe, WindowCount } from './kv-store';

/** A Redis that is down makes the client emit an error per reconnect attempt: log one per window. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/** INCR, and the window's TTL set when the key has none yet (EXPIRE NX); answers [count, ttl]. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

/** The client with HIT_SCRIPT defined on it (ioredis adds the method at run time). */
type HitClient = Redis & { aiphotoHit(key: string, windowSeconds: number): Promise<[number, number]> };

/**
 * Redis-backed KeyValueStore. Keys carry a prefix so several deployments (or test runs)
 * can share one Redis. Pub/sub uses a second connection, as Redis requires.
 */
export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  private readonly client: Redis;
  private subscriber: Redis | null = null;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();

  private readonly logError: (err: Error) => void;

  constructor(
    url: string,
    private readonly prefix = 'aiphoto:',
    logger?: Logger,
  ) {
    this.client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    // Commands that fail also reject to their callers; the log says why the connection is down
    // (refused, auth, DNS), rate-limited because a client that cannot connect retries in a loop.
    this.logError = throttled<Error>(
      (err, suppressed) => logger?.error({ err, suppressed }, 'Redis client error'),
      ERROR_LOG_INTERVAL_MS,
    );
    this.client.on('error', this.logError);
    // ioredis sends EVALSHA and falls back to EVAL once when Redis does not know the script yet.
    this.client.defineCommand('aiphotoHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async hit(key: string, windowSeconds: number): Promise<WindowCount> {
    // One EVALSHA: the API rate limit runs this on every request. The MULTI of INCR, EXPIRE NX and
    // TTL it replaces was five commands to build, write, run and parse (ioredis and the socket
    // writes were ~13 % of the backend's CPU under `GET /tasks/:id` on MariaDB + Redis). Same
    // rule, atomic as before: the TTL is set once, when the window opens.
    const [count, ttl] = await (this.client as HitClient).aiphotoHit(this.k(key), windowSeconds);
    return { count: Number(count), resetInSeconds: Number(ttl) > 0 ? Number(ttl) : windowSeconds };
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return (await this.client.set(this.k(key), value, 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(this.k(key));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds) await this.client.set(this.k(key), value, 'EX', ttlSeconds);
    else await this.client.set(this.k(key), value);
  }

  async take(key: string): Promise<string | null> {
    // GETDEL (Redis 6.2+) is atomic: two callers can never both read the value.
    return this.client.getdel(this.k(key));
  }

  async del(key: string): Promise<void> {
    await this.client.del(this.k(key));
  }

  async ttl(key: string): Promise<number | null> {
    const ttl = await this.client.ttl(this.k(key));
    return ttl >= 0 ? ttl : null;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.k(channel), message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    const full = this.k(channel);
    if (!this.subscriber) {
      this.subscriber = this.client.duplicate();
      this.subscriber.on('error', this.logError);
      this.subscriber.on('message', (ch: string, message: string) => {
        for (const handler of this.handlers.get(ch) ?? []) handler(message);
      });
    }
    let set = this.handlers.get(full);
    if (!set) {
      set = new Set();
      this.handlers.set(full, set);
      await this.subscriber.subscribe(full);
    }
    set.add(onMessage);
    return async () => {
      const current = this.handlers.get(full);
      current?.delete(onMessage);
      if (current && current.size === 0) {
        this.handlers.delete(full);
        await this.subscriber?.unsubscribe(full);
      }
    };
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.allSettled([this.client.quit(), this.subscriber?.quit()]);
  }
}
