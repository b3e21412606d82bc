/**
 * A Redis and a MariaDB of a suite's own, on spare loopback ports with their own data folders,
 * so fault tests can stop and restart them — never the machine's shared servers. The binaries
 * are the machine's (redis-server, mariadbd, mariadb-install-db from the Debian packages).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import { waitFor } from '../../../jest/wait-for';
import { freePort } from '../../../workflows/src/runtime';

export interface PrivateServer {
  url: string;
  port: number;
  pid(): number | null;
  /** Starts it (again) on the same port and data folder; resolves once it answers. */
  start(): Promise<void>;
  /** SIGTERM (a clean shutdown that keeps the data) or SIGKILL (a crash); resolves once it is gone. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

function supervise(bin: string, args: string[], logFile: string) {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const log = createWriteStream(logFile, { flags: 'a' });
  const onExit = (): void => void child?.kill('SIGKILL');
  return {
    pid: () => child?.pid ?? null,
    spawn: () => {
      child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      const mine = child;
      exited = new Promise((resolve) => mine.once('exit', () => resolve()));
      process.once('exit', onExit);
    },
    stop: async (signal: 'SIGTERM' | 'SIGKILL') => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
      process.removeListener('exit', onExit);
      child = null;
    },
  };
}

/** redis-server with an append-only file (fsync always), as production Redis keeps the queue. */
export async function privateRedis(dir: string): Promise<PrivateServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}/0`;
  const proc = supervise(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
    ],
    path.join(dir, 'redis.log'),
  );
  const server: PrivateServer = {
    url,
    port,
    pid: proc.pid,
    start: async () => {
      proc.spawn();
      await waitFor(
        async () => {
          const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
          // Refused until the server listens: connect() rejects, so the event itself is not news.
          client.on('error', () => undefined);
          try {
            await client.connect();
            return (await client.ping()) === 'PONG';
          } catch {
            return false;
          } finally {
            client.disconnect();
          }
        },
        { what: `the private Redis on ${port}` },
      );
    },
    stop: (signal = 'SIGTERM') => proc.stop(signal),
  };
  await server.start();
  return server;
}

/** mariadbd with a data folder made by mariadb-install-db (root without a password, loopback only). */
export async function privateMariadb(dir: string): Promise<PrivateServer> {
  const data = path.join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db'],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}/mysql`;
  const proc = supervise(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${path.join(dir, 'mariadb.sock')}`,
      `--pid-file=${path.join(dir, 'mariadb.pid')}`,
      '--user=root',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=64M',
      '--max-connections=300',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
    ],
    path.join(dir, 'mariadb.log'),
  );
  const server: PrivateServer = {
    url,
    port,
    pid: proc.pid,
    start: async () => {
      proc.spawn();
      await waitFor(
        async () => {
          try {
            const conn = await mysql.createConnection({ uri: url });
            await conn.query('SELECT 1');
            await conn.end();
            return true;
          } catch {
            return false;
          }
        },
        { timeoutMs: 60_000, what: `the private MariaDB on ${port}` },
      );
    },
    stop: (signal = 'SIGTERM') => proc.stop(signal),
  };
  await server.start();
  return server;
}
