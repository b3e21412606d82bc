import { randomUUID } from 'node:crypto';
import { createTestDatabase, drivers, type TestDatabase } from '../../testing/test-db';
import { readRows } from '../direct-read';
import { toDbTime } from '../time';
import { inTransaction, rows } from '../transaction';

describe.each(drivers)('readRows on %s', (driver) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(driver);
  });
  afterAll(() => db.drop());

  const insertUser = (run: (sql: string, params: unknown[]) => Promise<unknown>, id: string, phone: string) => {
    const now = toDbTime(new Date('2026-05-01T08:09:10.123Z'));
    return run(
      'INSERT INTO users (id, phone, is_member, quota_remaining, quota_expire_at, created_at, updated_at) VALUES (?, ?, 1, 7, ?, ?, ?)',
      [id, phone, now, now, now],
    );
  };
  const byId = 'SELECT * FROM users WHERE id = ?';

  it('answers the rows TypeORM answers, value for value', async () => {
    const id = randomUUID();
    await insertUser((sql, p) => db.ds.manager.query(sql, p), id, '13100000001');
    const direct = await readRows<Record<string, unknown>>(db.ds.manager, byId, [id]);
    expect(direct).toEqual(await rows(db.ds.manager, byId, [id]));
    expect(direct[0]).toMatchObject({ quota_remaining: 7, created_at: '2026-05-01 08:09:10.123' });
    // Prepared once, run again with another parameter.
    expect(await readRows(db.ds.manager, byId, [randomUUID()])).toEqual([]);
  });

  it('never sees what an open transaction wrote, even on the one SQLite connection', async () => {
    const id = randomUUID();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let rollBack!: () => void;
    const release = new Promise<void>((resolve) => (rollBack = resolve));
    const failing = inTransaction(db.ds, async (tx) => {
      await insertUser((sql, p) => tx.query(sql, p), id, '13100000002');
      entered();
      await release;
      throw new Error('roll back');
    });
    await inside;
    // Issued while the transaction holds the uncommitted row: on SQLite it waits its turn (run at
    // once, it would read that row on the shared connection), on MySQL another connection does not see it.
    const read = readRows(db.ds.manager, byId, [id]);
    rollBack();
    await expect(failing).rejects.toThrow('roll back');
    expect(await read).toEqual([]);
  });

  it('reads through the transaction it is given', async () => {
    const id = randomUUID();
    const seen = await inTransaction(db.ds, async (tx) => {
      await insertUser((sql, p) => tx.query(sql, p), id, '13100000003');
      return readRows(tx, byId, [id]);
    });
    expect(seen).toHaveLength(1);
  });
});
