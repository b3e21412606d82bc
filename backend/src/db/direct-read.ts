import type { Database, Statement } from 'better-sqlite3';
import type { Pool } from 'mysql2';
import type { DataSource } from 'typeorm';
import { rows, sqliteTurnNow, type Db } from './transaction';

/**
 * `rows(db, sql, params)` for the hottest reads (a merchant's own task, the signed-in account):
 * outside a transaction the statement goes straight to the driver instead of through TypeORM's
 * query runner (a runner made and released, logger and broadcaster calls, a QueryResult, an
 * `await` on each): on SQLite a better-sqlite3 statement prepared once per connection and SQL
 * text, on MySQL the pool's `query` (the same text protocol TypeORM uses, so rows have the same
 * shape: `dateStrings`, numbers). The connection rules are the data source's: on SQLite the
 * statement waits its turn behind every open transaction and queued statement (db/transaction.ts),
 * and runs at once only when nothing is queued; on MySQL it takes any pooled connection, as
 * `ds.manager.query` does. Inside a transaction (`db.queryRunner` set) it is `rows` unchanged.
 * For SELECTs only.
 */
export function readRows<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  if (db.queryRunner) return rows<T>(db, sql, params);
  const ds = db.connection;
  const sqlite = sqliteConnection(ds);
  if (sqlite) {
    const statement = preparedOn(sqlite, sql);
    return sqliteTurnNow(ds, () => statement.all(...params) as T[]);
  }
  const pool = mysqlPool(ds);
  if (!pool) return rows<T>(db, sql, params);
  return new Promise<T[]>((resolve, reject) => {
    pool.query(sql, params, (err, result) => (err ? reject(err) : resolve(result as T[])));
  });
}

const statements = new WeakMap<Database, Map<string, Statement>>();

function preparedOn(conn: Database, sql: string): Statement {
  let bySql = statements.get(conn);
  if (!bySql) {
    bySql = new Map();
    statements.set(conn, bySql);
  }
  let statement = bySql.get(sql);
  if (!statement) {
    statement = conn.prepare(sql);
    if (!statement.reader) throw new Error('readRows runs SELECTs only');
    bySql.set(sql, statement);
  }
  return statement;
}

function sqliteConnection(ds: DataSource): Database | null {
  if (ds.options.type !== 'better-sqlite3') return null;
  const conn = (ds.driver as unknown as { databaseConnection?: Database }).databaseConnection;
  return conn?.open ? conn : null;
}

function mysqlPool(ds: DataSource): Pool | null {
  if (ds.options.type !== 'mysql') return null;
  return (ds.driver as unknown as { pool?: Pool }).pool ?? null;
}
