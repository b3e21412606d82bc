/**
 * "The same statements, on a raw driver": records every SQL statement one request makes through
 * the backend's own code, then replays that list on mysql2 or better-sqlite3 directly, with fresh
 * ids each time, on a copy of the database nobody else touches. The baseline follows whatever the
 * code does today (batching a statement changes both sides), so the ratio is the cost of
 * everything around the database: HTTP, validation, the ORM, JSON, signing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import type { Logger as OrmLogger } from 'typeorm';
import { buildBackend } from '../../backend/src/bootstrap';
import type { DatabaseConfig } from '../../backend/src/db/data-source';
import { openDatabase } from '../../backend/src/db/data-source';
import { createLogger } from '../../backend/src/infra/logger';
import { createEmptyDatabase } from '../../backend/src/testing/test-db';
import type { BenchContext } from './context';

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The statements `request` causes, captured on an in-process backend built from the bench
 * backend's configuration (same database); nothing else runs on that instance meanwhile.
 * `warmUp` runs first, uncaptured: what a running backend already holds (a merchant's session
 * version, cached per process) is then not counted as the request's.
 */
export async function captureStatements(
  ctx: BenchContext,
  request: (baseUrl: string) => Promise<void>,
  warmUp?: (baseUrl: string) => Promise<void>,
): Promise<Statement[]> {
  const built = await buildBackend(ctx.backend.config, { logger: createLogger('error') });
  const captured: Statement[] = [];
  let capturing = false;
  const quiet = () => undefined;
  const logger: OrmLogger = {
    logQuery: (sql, params) => {
      if (capturing) captured.push({ sql, params: [...(params ?? [])] });
    },
    logQueryError: quiet,
    logQuerySlow: quiet,
    logSchemaBuild: quiet,
    logMigration: quiet,
    log: quiet,
  };
  built.ctx.db.logger = logger;
  const server = createServer(built.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await warmUp?.(baseUrl);
    capturing = true;
    await request(baseUrl);
    capturing = false;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await built.close();
  }
  return captured;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The statements with every id except `keep` (the merchant's) replaced consistently by a new one. */
export function withFreshIds(statements: Statement[], keep: Set<string>): Statement[] {
  const fresh = new Map<string, string>();
  const swap = (id: string) => {
    if (keep.has(id)) return id;
    if (!fresh.has(id)) fresh.set(id, randomUUID());
    return fresh.get(id) as string;
  };
  return statements.map(({ sql, params }) => ({
    sql,
    params: params.map((p) => (typeof p === 'string' ? p.replace(UUID, swap) : p)),
  }));
}

/** A copy of the bench database (schema from the migrations, rows copied) for the baseline alone. */
export async function copyDatabase(ctx: BenchContext): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  if (ctx.database.type === 'sqlite') {
    const file = `${ctx.database.file}.baseline`;
    await ctx.ds.query(`VACUUM INTO '${file.replace(/'/g, "''")}'`);
    return { config: { type: 'sqlite', file }, drop: async () => undefined };
  }
  const copy = await createEmptyDatabase('mysql', ctx.database.poolSize);
  if (copy.config.type !== 'mysql') throw new Error('expected a MySQL copy');
  const migrated = await openDatabase(copy.config);
  await migrated.destroy();
  const source = new URL(ctx.database.url).pathname.slice(1);
  const target = new URL(copy.config.url).pathname.slice(1);
  const conn = await mysql.createConnection({ uri: ctx.database.url });
  try {
    await conn.query('SET FOREIGN_KEY_CHECKS = 0');
    const [tables] = await conn.query<mysql.RowDataPacket[]>('SHOW TABLES');
    for (const row of tables) {
      const table = String(Object.values(row)[0]);
      await conn.query(`DELETE FROM \`${target}\`.\`${table}\``);
      await conn.query(`INSERT INTO \`${target}\`.\`${table}\` SELECT * FROM \`${source}\`.\`${table}\``);
    }
  } finally {
    await conn.end();
  }
  return copy;
}

/** Replays `times` copies of the statements, `concurrency` at once; answers the seconds it took. */
export async function replay(
  database: DatabaseConfig,
  next: () => Statement[],
  times: number,
  concurrency: number,
): Promise<number> {
  if (database.type === 'sqlite') {
    // One connection, as the backend has; better-sqlite3 is synchronous, so one at a time.
    const db = new Database(database.file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    const prepared = new Map<string, Database.Statement>();
    const started = performance.now();
    for (let i = 0; i < times; i++) {
      for (const { sql, params } of next()) {
        let stmt = prepared.get(sql);
        if (!stmt) prepared.set(sql, (stmt = db.prepare(sql)));
        if (stmt.reader) stmt.all(...params);
        else stmt.run(...params);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    db.close();
    return seconds;
  }
  const pool = mysql.createPool({ uri: database.url, connectionLimit: concurrency, dateStrings: true, timezone: 'Z' });
  try {
    // Open the connections before the clock starts, as the backend's pool is warm too.
    await Promise.all(Array.from({ length: concurrency }, () => pool.query('SELECT 1')));
    let left = times;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const conn = await pool.getConnection();
        try {
          while (left-- > 0) for (const { sql, params } of next()) await conn.query(sql, params);
        } finally {
          conn.release();
        }
      }),
    );
    return (performance.now() - started) / 1000;
  } finally {
    await pool.end();
  }
}
