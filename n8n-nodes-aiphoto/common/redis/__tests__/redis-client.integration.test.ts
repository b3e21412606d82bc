import { randomBytes } from 'crypto';
import net from 'net';

import { waitFor } from '../../../../jest/wait-for';
import { parseRedisUrl, RedisClient, RedisUnavailableError } from '../redis-client';
import { RedisReplyError } from '../resp';

/** The machine's Redis (the same as the backend's tests); every key here is unique to this run. */
const REDIS_URL = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379/15';
const run = randomBytes(6).toString('hex');
const key = (name: string) => `aiphoto:test:resp:${run}:${name}`;

const clients: RedisClient[] = [];
function client(url = REDIS_URL, timeoutMs?: number): RedisClient {
  const made = new RedisClient(parseRedisUrl(url), { timeoutMs });
  clients.push(made);
  return made;
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterAll(async () => {
  const cleaner = client();
  const keys = (await cleaner.command(['KEYS', key('*')])) as string[];
  if (keys.length > 0) await cleaner.command(['DEL', ...keys]);
  for (const made of clients) made.close();
});

describe('RedisClient against the real Redis', () => {
  it('SET NX PX: the first writer is told OK, later ones nil, and the key carries the expiry', async () => {
    const redis = client();
    expect(await redis.command(['SET', key('once'), '1', 'PX', '600000', 'NX'])).toBe('OK');
    expect(await redis.command(['SET', key('once'), '1', 'PX', '600000', 'NX'])).toBeNull();
    const ttl = (await redis.command(['PTTL', key('once')])) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('works in the database the URL names', async () => {
    const url = new URL(REDIS_URL);
    const db = Number(url.pathname.slice(1) || 0);
    const other = db === 14 ? 13 : 14;
    const here = client();
    await here.command(['SET', key('db'), 'here', 'PX', '60000']);
    url.pathname = `/${other}`;
    const there = client(url.toString());
    expect(await there.command(['GET', key('db')])).toBeNull();
    expect(await here.command(['GET', key('db')])).toBe('here');
  });

  it('of 200 concurrent SET NX from two connections exactly one wins (pipelined, replies in order)', async () => {
    const a = client();
    const b = client();
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? a : b).command(['SET', key('race'), String(i), 'PX', '60000', 'NX']),
      ),
    );
    expect(replies.filter((reply) => reply === 'OK')).toHaveLength(1);
    // Replies matched in order: each connection's echo of a distinct value comes back to its caller.
    const echoes = await Promise.all(Array.from({ length: 50 }, (_, i) => a.command(['ECHO', `v${i}`])));
    expect(echoes).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
  });

  it('an error reply rejects that command only', async () => {
    const redis = client();
    await expect(redis.command(['NOSUCHCOMMAND'])).rejects.toBeInstanceOf(RedisReplyError);
    expect(await redis.command(['PING'])).toBe('PONG');
  });

  it('a refused login fails the command with the reason, as Redis unavailable', async () => {
    const url = new URL(REDIS_URL);
    url.password = 'not-the-password';
    const error = await client(url.toString())
      .command(['PING'])
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(/AUTH refused: (ERR|WRONGPASS)/);
  });

  it('a Redis that is not there fails at once with RedisUnavailableError', async () => {
    const port = await closedPort();
    await expect(client(`redis://127.0.0.1:${port}`).command(['PING'])).rejects.toThrow(
      new RedisUnavailableError(`Redis at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`),
    );
  });

  it('a Redis that accepts but never answers fails the command after the timeout', async () => {
    const silent = net.createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      await expect(client(`redis://127.0.0.1:${port}`, 200).command(['PING'])).rejects.toThrow(
        /no answer within 200 ms/,
      );
    } finally {
      silent.close();
    }
  });

  it('after the server drops the connection, the next command connects again', async () => {
    const redis = client();
    const id = await redis.command(['CLIENT', 'ID']);
    await client().command(['CLIENT', 'KILL', 'ID', String(id)]);
    // The drop is seen when the socket closes; a command sent just before that fails, then one succeeds.
    const pong = await waitFor(() => redis.command(['PING']).catch(() => null), { what: 'a PING after the drop' });
    expect(pong).toBe('PONG');
    expect(await redis.command(['CLIENT', 'ID'])).not.toBe(id);
  });

  it('a closed client refuses new commands', async () => {
    const redis = client();
    expect(await redis.command(['PING'])).toBe('PONG');
    redis.close();
    await expect(redis.command(['PING'])).rejects.toThrow('the Redis client was closed');
  });
});
