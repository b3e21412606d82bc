import type { DataSource, EntityManager } from 'typeorm';

/** The handle a repository runs its SQL on: the data source's manager or a transaction's. */
export type Db = EntityManager;

/**
 * Runs `work` in one transaction and passes the transaction's manager explicitly, so a
 * service can make several repositories commit or fail together
 * ("reserve + insert task + outbox row").
 */
export function inTransaction<T>(ds: DataSource, work: (tx: Db) => Promise<T>): Promise<T> {
  if (ds.options.type !== 'better-sqlite3') return ds.transaction(work);
  // better-sqlite3 has ONE connection: TypeORM turns a second concurrent transaction into a
  // SAVEPOINT inside the first, so their statements interleave and one's rollback undoes the
  // other's "commit". Queue them instead: SQLite allows one writer at a time anyway.
  const previous = sqliteQueues.get(ds) ?? Promise.resolve();
  const run = previous.then(() => ds.transaction(work));
  sqliteQueues.set(ds, run.then(noop, noop));
  return run;
}

const sqliteQueues = new WeakMap<DataSource, Promise<void>>();
const noop = () => undefined;

/** Rows of a raw query; both drivers return plain objects for SELECT. */
export async function rows<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)) as T[];
}

/** Number of rows changed by an INSERT/UPDATE/DELETE, the same on both drivers. */
export async function execute(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  // The structured result carries `affected` for mysql2 and better-sqlite3 alike; the
  // plain `query()` answers driver-specific shapes (SQLite gives only lastInsertRowid).
  const runner = db.queryRunner ?? db.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.affected ?? 0;
  } finally {
    if (!db.queryRunner) await runner.release();
  }
}
