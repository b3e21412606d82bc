/**
 * The databases the scaled topology needs, created when missing: the backend's MySQL/MariaDB
 * database (`DATABASE_URL`) and n8n's own PostgreSQL database (`N8N_POSTGRES_URL`). PostgreSQL is
 * reached with the `pg` driver of the pinned n8n install (n8n uses it itself), so the repo gains
 * no dependency for it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import mysql from 'mysql2/promise';

const IDENTIFIER = /^[A-Za-z0-9_]{1,63}$/;

function databaseName(url: URL, what: string): string {
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!IDENTIFIER.test(name)) throw new Error(`${what}: the database name "${name}" must be letters, digits and _`);
  return name;
}

/** `CREATE DATABASE IF NOT EXISTS` on the server of a mysql:// URL (connecting without a database). */
export async function ensureMysqlDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = databaseName(url, 'DATABASE_URL');
  url.pathname = '/';
  const conn = await mysql.createConnection({ uri: url.toString() });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

/** The part of `pg` used here (n8n's install ships the driver; its types are not installed). */
interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null; rows: unknown[] }>;
  end(): Promise<void>;
}
type PgModule = { Client: new (config: { connectionString: string }) => PgClient };

function loadPg(n8nInstallDir: string): PgModule {
  return createRequire(path.join(n8nInstallDir, 'package.json'))('pg') as PgModule;
}

async function withPostgres<T>(
  postgresUrl: string,
  n8nInstallDir: string,
  fn: (client: PgClient, name: string) => Promise<T>,
): Promise<T> {
  const url = new URL(postgresUrl);
  const name = databaseName(url, 'N8N_POSTGRES_URL');
  url.pathname = '/postgres';
  const client = new (loadPg(n8nInstallDir).Client)({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client, name);
  } finally {
    await client.end();
  }
}

/** Creates n8n's database on the server of a postgres:// URL unless it exists. */
export async function ensurePostgresDatabase(postgresUrl: string, n8nInstallDir: string): Promise<void> {
  await withPostgres(postgresUrl, n8nInstallDir, async (client, name) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!found.rowCount) await client.query(`CREATE DATABASE "${name}"`);
  });
}

/** Drops n8n's database, closing its connections first (tests clean up with it). */
export async function dropPostgresDatabase(postgresUrl: string, n8nInstallDir: string): Promise<void> {
  await withPostgres(postgresUrl, n8nInstallDir, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/**
 * Rows of one query run on the server of n8n's postgres:// URL, connected to its `postgres`
 * database (so the query is not counted in n8n's database's own statistics); `$1` is n8n's
 * database name when `values` is not given.
 */
export async function queryPostgresServer<T>(
  postgresUrl: string,
  n8nInstallDir: string,
  text: string,
  values?: unknown[],
): Promise<T[]> {
  return withPostgres(postgresUrl, n8nInstallDir, async (client, name) => {
    return (await client.query(text, values ?? [name])).rows as T[];
  });
}

/** n8n's DB_POSTGRESDB_* settings for a postgres:// URL. */
export function n8nPostgresEnv(postgresUrl: string): Record<string, string> {
  const url = new URL(postgresUrl);
  return {
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: url.hostname,
    DB_POSTGRESDB_PORT: url.port || '5432',
    DB_POSTGRESDB_DATABASE: databaseName(url, 'N8N_POSTGRES_URL'),
    DB_POSTGRESDB_USER: decodeURIComponent(url.username) || 'postgres',
    DB_POSTGRESDB_PASSWORD: decodeURIComponent(url.password),
  };
}

/** n8n's queue settings (QUEUE_BULL_REDIS_*) for a redis:// URL. */
export function n8nQueueRedisEnv(redisUrl: string): Record<string, string> {
  const url = new URL(redisUrl);
  const db = url.pathname.replace(/^\//, '');
  return {
    QUEUE_BULL_REDIS_HOST: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    QUEUE_BULL_REDIS_PORT: url.port || '6379',
    QUEUE_BULL_REDIS_DB: db || '0',
    ...(url.username ? { QUEUE_BULL_REDIS_USERNAME: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { QUEUE_BULL_REDIS_PASSWORD: decodeURIComponent(url.password) } : {}),
  };
}
