import { randomUUID } from 'node:crypto';
import { toDbTime } from '../../../db/time';
import { inTransaction } from '../../../db/transaction';
import { createTestUser } from '../../../testing/money-factories';
import { doneTask } from '../../../testing/task-factories';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { TaskTypesService } from '../../task-types/task-types.service';
import { CACHED_RESULT_SQL, listQuery, TasksRepository, type TaskListFilter } from '../tasks.repository';

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
        repo.insert(tx, doneTask(typeDef, owner, { id, deadlineAt: at }), at);
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
        const page = await repo.listPage(db.ds.manager, { userId, limit, before });
        seen.push(...page.map((t) => t.id));
        if (page.length < limit) break;
        const last = page[page.length - 1];
        before = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(expected);
    }
  });

  it('reads a page as the full rows would present it, from fewer columns', async () => {
    const page = await repo.listPage(db.ds.manager, { userId, limit: 100 });
    const full = await repo.list(db.ds.manager, { userId, limit: 100 });
    expect(page.map((t) => t.id)).toEqual(expected);
    expect(full.map((t) => t.id)).toEqual(expected);
    page.forEach((listed, i) => {
      const fields = Object.keys(listed) as Array<keyof typeof listed>;
      expect(fields).toEqual(expect.arrayContaining(['id', 'status', 'typeDef', 'createdAt', 'updatedAt']));
      for (const field of fields) expect(listed[field]).toEqual(full[i][field]);
      // Columns merchants never see are not even read.
      expect(listed).not.toHaveProperty('errorDetail');
      expect(listed).not.toHaveProperty('userId');
    });
  });

  it('filters by favourite and by a date range, still paging newest first', async () => {
    const all = async (filter: Partial<TaskListFilter>) => {
      const seen: string[] = [];
      let before: TaskListFilter['before'];
      for (;;) {
        const page = await repo.listPage(db.ds.manager, { userId, limit: 2, before, ...filter });
        seen.push(...page.map((t) => t.id));
        if (page.length < 2) return seen;
        before = { createdAt: page[1].createdAt, id: page[1].id };
      }
    };
    // Favourites: every other task of the expected order (one of them is later unmarked again).
    const favourites = expected.filter((_, i) => i % 2 === 0);
    await inTransaction(db.ds, async (tx) => {
      for (const id of [...favourites, expected[1]]) await repo.setFlag(tx, userId, id, 'favorite', true, new Date());
      await repo.setFlag(tx, userId, expected[1], 'favorite', false, new Date());
    });
    expect(await all({ favorite: true })).toEqual(favourites);
    // [base+1, base+3): the instants 1 and 2 (three tasks), as database times.
    const at = (ms: number) => toDbTime(new Date(Date.UTC(2025, 0, 1) + ms));
    const inRange = (await all({ from: at(1), to: at(3) })).sort();
    const rowsIn = (await repo.list(db.ds.manager, { userId, limit: 100 }))
      .filter((t) => t.createdAt >= at(1) && t.createdAt < at(3))
      .map((t) => t.id)
      .sort();
    expect(rowsIn).toHaveLength(3);
    expect(inRange).toEqual(rowsIn);
    expect(await all({ from: at(1), to: at(3), favorite: true })).toEqual(
      favourites.filter((id) => rowsIn.includes(id)),
    );
    // The other merchant's task and the hidden one never appear.
    expect(await all({ from: at(0), to: at(10) })).toEqual(expected);
  });

  it('reads the favourites and a date range from an index, without a sort', async () => {
    const favourite = listQuery({
      userId,
      limit: 21,
      favorite: true,
      before: { createdAt: '2025-01-01 00:00:00.002', id: 'x' },
    });
    const dated = listQuery({ userId, limit: 21, from: '2025-01-01 00:00:00.001', to: '2025-01-01 00:00:00.003' });
    if (driver === 'sqlite') {
      const plan = async (q: { sql: string; params: unknown[] }) =>
        ((await db.ds.query(`EXPLAIN QUERY PLAN ${q.sql}`, q.params)) as Array<{ detail: string }>)
          .map((p) => p.detail)
          .join('\n');
      const fav = await plan(favourite);
      expect(fav).toMatch(
        /USING (COVERING )?INDEX ix_tasks_user_favorite \(user_id=\? AND hidden=\? AND favorite=\? AND created_at<\?\)/,
      );
      expect(fav).not.toMatch(/TEMP B-TREE/);
      const range = await plan(dated);
      expect(range).toMatch(
        /USING (COVERING )?INDEX ix_tasks_user_list \(user_id=\? AND hidden=\? AND created_at>\? AND created_at<\?\)/,
      );
      expect(range).not.toMatch(/TEMP B-TREE/);
    } else {
      // MariaDB: the plan names the index it reads and never a filesort.
      const plan = async (q: { sql: string; params: unknown[] }) =>
        ((await db.ds.query(`EXPLAIN ${q.sql}`, q.params)) as Array<{ key: string | null; Extra: string | null }>)[0];
      const fav = await plan(favourite);
      expect(fav.key).toBe('ix_tasks_user_favorite');
      expect(fav.Extra ?? '').not.toMatch(/filesort/);
      const range = await plan(dated);
      expect(['ix_tasks_user_list', 'ix_tasks_user_favorite']).toContain(range.key);
      expect(range.Extra ?? '').not.toMatch(/filesort/);
    }
  });

  it("looks a cached result up in the merchant's own keys, not among every finished task", async () => {
    // Once per image of a create: reading every 'done' task (ix_tasks_status_deadline) made a create of
    // 50 images take over 30 s on SQLite with 10,000 finished tasks.
    if (driver === 'sqlite') {
      const plan = (
        (await db.ds.query(`EXPLAIN QUERY PLAN ${CACHED_RESULT_SQL}`, [userId, 'k'])) as Array<{
          detail: string;
        }>
      )
        .map((p) => p.detail)
        .join('\n');
      expect(plan).toMatch(/USING INDEX ix_tasks_user_cache \(user_id=\? AND cache_key=\?\)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    } else {
      const [plan] = (await db.ds.query(`EXPLAIN ${CACHED_RESULT_SQL}`, [userId, 'k'])) as Array<{
        key: string | null;
        Extra: string | null;
      }>;
      expect(plan.key).toBe('ix_tasks_user_cache');
      expect(plan.Extra ?? '').not.toMatch(/filesort/);
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
