import { setTimeout as pause } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, drivers, type TestDatabase } from '../../testing/test-db';
import { toDbTime } from '../time';
import { execute, inTransaction } from '../transaction';

describe.each(drivers)('transactions on %s', (driver) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(driver);
  });
  afterAll(() => db.drop());

  const insertUser = (run: (sql: string, params: unknown[]) => Promise<unknown>, phone: string) => {
    const now = toDbTime(new Date());
    return run(
      'INSERT INTO users (id, phone, is_member, quota_remaining, created_at, updated_at) VALUES (?, ?, 0, 0, ?, ?)',
      [randomUUID(), phone, now, now],
    );
  };
  const phones = async () =>
    ((await db.ds.query('SELECT phone FROM users ORDER BY phone')) as Array<{ phone: string }>).map((r) => r.phone);

  it('keeps a write made outside a transaction when a concurrent transaction rolls back', async () => {
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const failing = inTransaction(db.ds, async (tx) => {
      await insertUser((sql, p) => tx.query(sql, p), '13000000001');
      inside();
      // Holding the transaction open is the point here, and nothing observable says "the outside
      // statement is waiting its turn" (on SQLite it queues until this transaction ends), so this
      // pause stays: a window in which the outside write is issued while the transaction is open.
      await pause(50);
      throw new Error('roll back');
    });
    await entered;
    // Issued while the other transaction is open (on SQLite's single connection, it would join it).
    const outside = insertUser((sql, p) => db.ds.manager.query(sql, p), '13000000002').then(() =>
      execute(db.ds.manager, 'UPDATE users SET nickname = ? WHERE phone = ?', ['kept', '13000000002']),
    );
    await expect(failing).rejects.toThrow('roll back');
    expect(await outside).toBe(1);
    expect(await phones()).toEqual(['13000000002']);
  });

  it('runs concurrent transactions without losing either commit', async () => {
    await Promise.all(
      ['13000000010', '13000000011', '13000000012'].map((phone) =>
        inTransaction(db.ds, (tx) => insertUser((sql, p) => tx.query(sql, p), phone)),
      ),
    );
    expect(await phones()).toEqual(expect.arrayContaining(['13000000010', '13000000011', '13000000012']));
  });
});
