import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction';
import { createTestUser } from '../../../testing/money-factories';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { TaskTypesService } from '../../task-types/task-types.service';
import { listQuery, TasksRepository, type TaskListFilter } from '../tasks.repository';

describe.each(drivers)('task list paging on %s', (driver) => {
  let db: TestDatabase;
  const repo = new TasksRepository();
  let userId: string;
  /** Newest first, ties on created_at broken by id (descending): the order pages must follow. */
  let expected: string[];

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    userId = await createTestUser(db.ds.manager);
    const other = await createTestUser(db.ds.manager);
    const typeDef = await new TaskTypesService(db.ds).forCreate('basic_clean');
    const base = Date.UTC(2025, 0, 1);
    // 9 visible tasks on 4 distinct instants (ties across page boundaries), one hidden, one of another merchant.
    const instants = [0, 0, 0, 1, 1, 2, 3, 3, 3];
    const rows = instants.map((ms) => ({ id: randomUUID(), at: new Date(base + ms) }));
    await inTransaction(db.ds, async (tx) => {
      const insert = (id: string, owner: string, at: Date) =>
        repo.insert(
          tx,
          {
            id,
            userId: owner,
            batchId: randomUUID(),
            type: typeDef.key,
            typeDef,
            status: 'done',
            inputKey: `input/${owner}/a.jpg`,
            inputs: { [typeDef.inputs[0].name]: { key: `input/${owner}/a.jpg` } },
            params: {},
            resultKeys: [],
            progress: 100,
            deadlineAt: at,
            clientKey: null,
            cacheKey: null,
          },
          at,
        );
      for (const row of rows) await insert(row.id, userId, row.at);
      const hidden = randomUUID();
      await insert(hidden, userId, new Date(base + 2));
      await repo.setFlag(tx, userId, hidden, 'hidden', true, new Date());
      await insert(randomUUID(), other, new Date(base + 2));
    });
    expected = rows
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((r) => r.id);
  });
  afterAll(() => db.drop());

  it('pages through ties on created_at without skipping or repeating a task', async () => {
    for (const limit of [1, 2, 4]) {
      const seen: string[] = [];
      let before: TaskListFilter['before'];
      for (;;) {
        const page = await repo.list(db.ds.manager, { userId, limit, before });
        seen.push(...page.map((t) => t.id));
        if (page.length < limit) break;
        const last = page[page.length - 1];
        before = { createdAt: last.created_at, id: last.id };
      }
      expect(seen).toEqual(expected);
    }
  });

  if (driver === 'sqlite') {
    it('reads a cursor page as an index range, not by scanning from the newest task', async () => {
      const { sql, params } = listQuery({
        userId,
        limit: 21,
        before: { createdAt: '2025-01-01 00:00:00.002', id: 'x' },
      });
      const plan = (await db.ds.query(`EXPLAIN QUERY PLAN ${sql}`, params)) as Array<{ detail: string }>;
      const details = plan.map((p) => p.detail).join('\n');
      expect(details).toMatch(
        /USING (COVERING )?INDEX ix_tasks_user_list \(user_id=\? AND hidden=\? AND created_at<\?\)/,
      );
      expect(details).not.toMatch(/TEMP B-TREE/);
    });
  }
});
