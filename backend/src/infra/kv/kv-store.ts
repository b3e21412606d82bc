/**
 * The small shared-state interface the backend needs from Redis: fixed-window counters for
 * rate limits, set-if-absent for nonces and idempotency, plain values, and pub/sub for fan-out
 * across replicas. Redis backs it when REDIS_URL is set; an in-process implementation otherwise.
 */
export interface WindowCount {
  count: number;
  /** Seconds until the window resets. */
  resetInSeconds: number;
}

export type Unsubscribe = () => Promise<void>;

export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';
  /** Adds one to the counter of the current window (created with the TTL on first hit). */
  hit(key: string, windowSeconds: number): Promise<WindowCount>;
  /** Stores the value only when the key is absent; true when it was stored. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Reads and deletes the value in one step: of concurrent callers, exactly one gets it (single-use tokens). */
  take(key: string): Promise<string | null>;
  del(key: string): Promise<void>;
  /** Seconds left before the key expires; null when absent or without expiry. */
  ttl(key: string): Promise<number | null>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
