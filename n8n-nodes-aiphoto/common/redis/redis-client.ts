// The one module of the package that opens a socket. Only the operator's AI Photo Trigger imports
// it, and it connects only when the "AI Photo Backend API" credential names a Redis URL (AI Photo's
// own n8n in queue mode); the merchant nodes never load it. n8n Cloud's verification would refuse
// this import: the package is installed privately (README, "Publishing and installs").
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- see above: the queue-mode memory needs TCP
import net from 'node:net';

import { encodeCommand, RedisReplyError, RespReader, type RespValue } from './resp';

export interface RedisAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
}

/** Redis could not be reached, dropped the connection, refused the login or did not answer in time. */
export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * `redis://[[user]:password@]host[:port][/db]`. TLS (`rediss://`) is refused with a clear
 * message: the client speaks plain TCP (Redis on the private network, as in docker-compose.yml).
 */
export function parseRedisUrl(text: string): RedisAddress {
  const url = URL.canParse(text.trim()) ? new URL(text.trim()) : undefined;
  if (!url) throw new Error(`"${text}" is not a Redis URL (redis://host:port/db)`);
  if (url.protocol === 'rediss:')
    throw new Error('rediss:// (TLS) is not supported: use redis:// on a private network');
  if (url.protocol !== 'redis:') throw new Error(`"${text}" is not a Redis URL (redis://host:port/db)`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new Error(`the Redis database in "${text}" must be a number`);
  return {
    // new URL keeps IPv6 brackets in hostname; net.connect wants the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: db === '' ? 0 : Number(db),
  };
}

interface Waiter {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

/** One TCP connection with the replies it still owes, in order. */
interface Connection {
  socket: net.Socket;
  waiting: Waiter[];
}

export interface RedisClientOptions {
  /** A command (or the connection) that shows no progress this long fails; default 2000 ms. */
  timeoutMs?: number;
}

/**
 * A small pipelining Redis client over one TCP connection. Commands are written at once and
 * their replies matched in order. The connection opens on the first command (AUTH and SELECT
 * go first) and, after any failure, again on the next one: no timers, no reconnect loop. While
 * no command waits, the socket does not keep the process alive.
 */
export class RedisClient {
  private connection: Connection | null = null;
  private closed = false;

  constructor(
    readonly address: RedisAddress,
    private readonly options: RedisClientOptions = {},
  ) {}

  /** Sends one command; resolves with the reply, rejects with RedisReplyError or RedisUnavailableError. */
  command(args: readonly string[]): Promise<RespValue> {
    if (this.closed) return Promise.reject(new RedisUnavailableError('the Redis client was closed'));
    const live = this.connection && !this.connection.socket.destroyed ? this.connection : this.connect();
    return new Promise<RespValue>((resolve, reject) => {
      live.waiting.push({ resolve, reject });
      live.socket.ref();
      live.socket.setTimeout(this.timeoutMs);
      live.socket.write(encodeCommand(args));
    });
  }

  /** Ends the connection; waiting commands fail, later ones are refused. */
  close(): void {
    this.closed = true;
    this.connection?.socket.destroy();
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 2000;
  }

  private connect(): Connection {
    const { host, port, username, password, db } = this.address;
    const socket = net.connect({ host, port });
    const connection: Connection = { socket, waiting: [] };
    const reader = new RespReader();
    let failure: Error | null = null;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => {
      let replies: Array<RespValue | RedisReplyError>;
      try {
        replies = reader.push(chunk);
      } catch (err) {
        socket.destroy(err as Error);
        return;
      }
      for (const reply of replies) {
        // A refused login destroys the socket: what follows it is answered by the close below.
        if (socket.destroyed) return;
        const waiter = connection.waiting.shift();
        if (!waiter) {
          socket.destroy(new Error('Redis sent a reply nobody asked for'));
          return;
        }
        if (reply instanceof RedisReplyError) waiter.reject(reply);
        else waiter.resolve(reply);
      }
      if (connection.waiting.length === 0) {
        socket.setTimeout(0);
        socket.unref();
      }
    });
    socket.on('timeout', () => {
      socket.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
    });
    socket.on('error', (err: Error) => {
      failure = err;
    });
    socket.on('close', () => {
      if (this.connection === connection) this.connection = null;
      const why = failure?.message ?? 'connection closed';
      const waiters = connection.waiting.splice(0);
      for (const waiter of waiters) waiter.reject(new RedisUnavailableError(`Redis at ${host}:${port}: ${why}`));
    });
    this.connection = connection;

    // Pipelined ahead of the caller's command; a refused login ends the connection with its reason.
    const setup: string[][] = [];
    if (password !== undefined) setup.push(username ? ['AUTH', username, password] : ['AUTH', password]);
    if (db !== 0) setup.push(['SELECT', String(db)]);
    for (const args of setup) {
      connection.waiting.push({
        resolve: () => undefined,
        reject: (err) => {
          failure = new Error(`${args[0]} refused: ${err.message}`);
          socket.destroy();
        },
      });
      socket.write(encodeCommand(args));
    }
    return connection;
  }
}
