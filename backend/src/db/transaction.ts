import type { DataSource, EntityManager } from 'typeorm';

/** The handle a repository runs its SQL on: the data source's manager or a transaction's. */
export type Db = EntityManager;

/**
 * Runs `work` in one transaction and passes the transaction's manager explicitly, so a
 * service can make several repositories commit or fail together
 * ("reserve + insert task + outbox row").
 */
export function inTransaction<T>(ds: DataSource, work: (tx: Db) => Promise<T>): Promise<T> {
  return ds.transaction(work);
}

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
