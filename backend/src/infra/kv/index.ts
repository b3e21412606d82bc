import type { Logger } from '../logger';
import type { KeyValueStore } from './kv-store';
import { MemoryKeyValueStore } from './memory-kv-store';
import { RedisKeyValueStore } from './redis-kv-store';

export type { KeyValueStore, WindowCount, Unsubscribe } from './kv-store';
export { MemoryKeyValueStore, RedisKeyValueStore };

export function createKeyValueStore(redis: { url: string; keyPrefix: string } | null, logger?: Logger): KeyValueStore {
  return redis ? new RedisKeyValueStore(redis.url, redis.keyPrefix, logger) : new MemoryKeyValueStore();
}
