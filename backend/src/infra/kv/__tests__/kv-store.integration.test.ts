import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { MemoryKeyValueStore, RedisKeyValueStore, type KeyValueStore } from '..';
import { capturingLogger } from '../../../testing/capturing-logger';
import { testRedisUrl } from '../../../testing/test-config';
import { waitFor } from '../../../../../jest/wait-for';

const stores: Array<[string, () => KeyValueStore]> = [
  ['memory', () => new MemoryKeyValueStore()],
  ['redis', () => new RedisKeyValueStore(testRedisUrl(), `test:${randomBytes(4).toString('hex')}:`)],
];

describe.each(stores)('%s key-value store', (_name, make) => {
  let kv: KeyValueStore;
  beforeEach(() => {
    kv = make();
  });
  afterEach(() => kv.close());

  it('counts hits within a window and reports when it resets', async () => {
    const first = await kv.hit('rl:a', 60);
    const second = await kv.hit('rl:a', 60);
    expect(first.count).toBe(1);
    expect(second.count).toBe(2);
    expect(second.resetInSeconds).toBeGreaterThan(0);
    expect(second.resetInSeconds).toBeLessThanOrEqual(60);
    expect((await kv.hit('rl:b', 60)).count).toBe(1);
  });

  it('stores a nonce once and refuses it while it lives', async () => {
    expect(await kv.setIfAbsent('nonce:1', '1', 600)).toBe(true);
    expect(await kv.setIfAbsent('nonce:1', '1', 600)).toBe(false);
    expect(await kv.ttl('nonce:1')).toBeGreaterThan(590);
  });

  it('gets, sets and deletes values', async () => {
    expect(await kv.get('k')).toBeNull();
    await kv.set('k', 'v', 30);
    expect(await kv.get('k')).toBe('v');
    await kv.del('k');
    expect(await kv.get('k')).toBeNull();
  });

  it('hands a value to exactly one of many concurrent takers', async () => {
    await kv.set('ticket', 't1', 60);
    const taken = await Promise.all(Array.from({ length: 20 }, () => kv.take('ticket')));
    expect(taken.filter((v) => v === 't1')).toHaveLength(1);
    expect(taken.filter((v) => v === null)).toHaveLength(19);
    expect(await kv.get('ticket')).toBeNull();
  });

  it('delivers published messages to every subscriber until unsubscribed', async () => {
    const a: string[] = [];
    const b: string[] = [];
    const offA = await kv.subscribe('events', (m) => a.push(m));
    const offB = await kv.subscribe('events', (m) => b.push(m));
    await kv.publish('events', 'one');
    await waitFor(() => a.length === 1 && b.length === 1);
    await offA();
    await kv.publish('events', 'two');
    await waitFor(() => b.length === 2);
    expect(a).toEqual(['one']);
    expect(b).toEqual(['one', 'two']);
    await offB();
  });
});

describe('redis rate-limit window', () => {
  const prefix = `test:${randomBytes(4).toString('hex')}:`;
  it('sets the TTL when the window opens, never extends it, and gives a counter without one its TTL', async () => {
    const kv = new RedisKeyValueStore(testRedisUrl(), prefix);
    const raw = new Redis(testRedisUrl());
    try {
      await kv.hit('w', 60);
      await raw.expire(`${prefix}w`, 30);
      const second = await kv.hit('w', 60);
      expect(second.count).toBe(2);
      expect(second.resetInSeconds).toBeLessThanOrEqual(30);
      // A counter left without expiry (written by hand, or before a restore) still gets a window.
      await raw.set(`${prefix}stale`, '7');
      const stale = await kv.hit('stale', 60);
      expect(stale).toEqual({ count: 8, resetInSeconds: 60 });
      expect(await raw.ttl(`${prefix}stale`)).toBeGreaterThan(0);
    } finally {
      await raw.del(`${prefix}w`, `${prefix}stale`);
      raw.disconnect();
      await kv.close();
    }
  });
});

describe('in-memory store expiry', () => {
  it('forgets keys after their TTL', async () => {
    let now = 1_000_000;
    const kv = new MemoryKeyValueStore(() => now);
    await kv.setIfAbsent('n', '1', 10);
    now += 11_000;
    expect(await kv.setIfAbsent('n', '1', 10)).toBe(true);
    expect((await kv.hit('w', 5)).count).toBe(1);
    now += 6_000;
    expect((await kv.hit('w', 5)).count).toBe(1);
    await kv.close();
  });
});

describe('redis key-value store without a reachable Redis', () => {
  it('logs why the client cannot connect, once per window however often it retries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { logger, lines } = capturingLogger();
    const kv = new RedisKeyValueStore(`redis://127.0.0.1:${port}/15`, 'test:down:', logger);
    try {
      await expect(kv.get('anything')).rejects.toThrow();
      const errors = lines.map((l) => JSON.parse(l) as { msg: string; err?: { code?: string } });
      expect(errors.filter((e) => e.msg === 'Redis client error')).toEqual([
        expect.objectContaining({ err: expect.objectContaining({ code: 'ECONNREFUSED' }) }),
      ]);
    } finally {
      await kv.close();
    }
  });
});
