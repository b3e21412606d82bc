import type { DataSource, EntityManager } from 'typeorm';

/**
 * The in-memory "database" behind the fake repositories of service unit tests: plain tables,
 * and a transaction that puts every table back when its work throws, as a rollback would. It
 * answers no SQL; code that reaches for SQL of its own belongs in an integration test.
 */
export class FakeDb<Tables extends object> {
  /** What services pass around as `tx`; the fake repositories ignore it. */
  readonly manager = { fake: 'transaction' } as unknown as EntityManager;
  readonly dataSource: DataSource;
  transactions = 0;

  constructor(readonly tables: Tables) {
    // inTransaction() calls ds.transaction(work) for anything that is not SQLite.
    this.dataSource = {
      options: { type: 'fake' },
      manager: this.manager,
      transaction: (work: (tx: EntityManager) => Promise<unknown>) => this.transaction(work),
    } as unknown as DataSource;
  }

  private async transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    this.transactions += 1;
    const before = structuredClone(this.tables);
    try {
      return await work(this.manager);
    } catch (err) {
      Object.assign(this.tables, before);
      throw err;
    }
  }
}
