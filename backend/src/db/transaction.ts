import type { DataSource, EntityManager } from 'typeorm';

/** The handle a repository runs its SQL on: the data source's manager or a transaction's. */
export type Db = EntityManager;

/**
 * Runs `work` in one transaction and passes the transaction's manager explicitly, so a
 * service can make several repositories commit or fail together
 * ("reserve + insert task + outbox row").
 */
export function inTransaction<T>(ds: DataSource, work: (tx: Db) => Promise<T>): Promise<T> {
  if (!isSqlite(ds)) return ds.transaction(work);
  // better-sqlite3 has ONE connection: TypeORM turns a second concurrent transaction into a
  // SAVEPOINT inside the first, so their statements interleave and one's rollback undoes the
  // other's "commit". Queue them instead: SQLite allows one writer at a time anyway.
  return sqliteTurn(ds, () => ds.transaction(work));
}

const sqliteQueues = new WeakMap<DataSource, Promise<void>>();
/** Turns queued or running per SQLite data source (see sqliteTurnNow). */
const sqliteTurns = new WeakMap<DataSource, number>();

function isSqlite(ds: DataSource): boolean {
  return ds.options.type === 'better-sqlite3';
}

/** Runs `work` when every earlier transaction or statement on this SQLite database is done. */
function sqliteTurn<T>(ds: DataSource, work: () => Promise<T> | T): Promise<T> {
  sqliteTurns.set(ds, (sqliteTurns.get(ds) ?? 0) + 1);
  const previous = sqliteQueues.get(ds) ?? Promise.resolve();
  const run = previous.then(work);
  const release = () => void sqliteTurns.set(ds, (sqliteTurns.get(ds) ?? 1) - 1);
  sqliteQueues.set(ds, run.then(release, release));
  return run;
}

/**
 * A synchronous statement (better-sqlite3 called directly) in its turn: run at once when no
 * transaction or statement is queued or running on this SQLite database — nothing can be open on
 * the connection then — else queued behind them like any other (db/direct-read.ts).
 */
export function sqliteTurnNow<T>(ds: DataSource, work: () => T): Promise<T> {
  if (sqliteTurns.get(ds)) return sqliteTurn(ds, work);
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

/**
 * On SQLite, a statement issued outside any transaction would run on the one connection while
 * another request's transaction is open — and be committed or rolled back with it. Route the
 * data source's own manager through the same queue, so every statement outside a transaction
 * waits its turn. (Inside a transaction, code uses the `tx` manager, which is not queued.)
 */
export function serializeSqliteStatements(ds: DataSource): void {
  if (!isSqlite(ds)) return;
  const manager = ds.manager;
  const query = manager.query.bind(manager);
  manager.query = (sql: string, params?: unknown[]) => sqliteTurn(ds, () => query(sql, params));
}

/** Rows of a raw query; both drivers return plain objects for SELECT. */
export async function rows<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)) as T[];
}

/** Number of rows changed by an INSERT/UPDATE/DELETE, the same on both drivers. */
export async function execute(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  // The structured result carries `affected` for mysql2 and better-sqlite3 alike; the
  // plain `query()` answers driver-specific shapes (SQLite gives only lastInsertRowid).
  if (db.queryRunner) return (await db.queryRunner.query(sql, params, true)).affected ?? 0;
  const run = async () => {
    const runner = db.connection.createQueryRunner();
    try {
      return (await runner.query(sql, params, true)).affected ?? 0;
    } finally {
      await runner.release();
    }
  };
  return isSqlite(db.connection) ? sqliteTurn(db.connection, run) : run();
}
