import { randomUUID } from 'node:crypto';
import { isCheckViolation, isUniqueViolation } from '../../db/db-errors';
import type { Db } from '../../db/transaction';
import { LedgerRepository } from '../../modules/ledger/ledger.repository';
import type { SettlementTasks } from '../../modules/tasks/task-settlement.service';
import { TasksRepository } from '../../modules/tasks/tasks.repository';
import { TaskTypesService } from '../../modules/task-types/task-types.service';
import { addFakeUser, FakeLedgerRepository } from '../fake-ledger-repository';
import { addFakeTask, fakeTaskMoneyDb, FakeTasksRepository } from '../fake-tasks-repository';
import { createTestUser } from '../money-factories';
import { createTestDatabase, drivers, type TestDatabase } from '../test-db';

/**
 * The fakes behind the service unit tests (ledger.service.test.ts, task-settlement.test.ts) are
 * only worth what they agree with: the same calls on the fake, on SQLite and on MariaDB must
 * answer the same.
 */
interface Subject {
  tx: Db;
  ledger: Omit<LedgerRepository, 'listForUser'>;
  tasks: SettlementTasks;
  user(quota: number, expireAt: Date | null): Promise<string>;
  task(userId: string, deadlineAt: Date): Promise<string>;
  close(): Promise<void>;
}

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

function fake(): Subject {
  const db = fakeTaskMoneyDb();
  return {
    tx: db.manager,
    ledger: new FakeLedgerRepository(db),
    tasks: new FakeTasksRepository(db),
    user: async (quota, expireAt) => addFakeUser(db, { quota, isMember: expireAt !== null, expireAt, now: NOW }),
    task: async (userId, deadlineAt) =>
      addFakeTask(db, { userId, deadlineAt, now: NOW, status: 'queued', progress: 0 }).id,
    close: async () => undefined,
  };
}

async function real(driver: (typeof drivers)[number]): Promise<Subject> {
  const db: TestDatabase = await createTestDatabase(driver);
  const tasks = new TasksRepository();
  const typeDef = await new TaskTypesService(db.ds).forCreate('basic_clean');
  return {
    tx: db.ds.manager,
    ledger: new LedgerRepository(),
    tasks,
    user: (quota, expireAt) => createTestUser(db.ds.manager, { quota, isMember: expireAt !== null, expireAt }),
    task: async (userId, deadlineAt) => {
      const id = randomUUID();
      const inputKey = `input/${userId}/a.jpg`;
      await tasks.insert(
        db.ds.manager,
        {
          ...{ id, userId, batchId: randomUUID(), type: 'basic_clean', typeDef, status: 'queued', inputKey },
          ...{ inputs: { garment: { key: inputKey } }, params: {}, resultKeys: null, progress: 0, deadlineAt },
          ...{ clientKey: null, cacheKey: null },
        },
        NOW,
      );
      return id;
    },
    close: () => db.drop(),
  };
}

const subjects: Array<[string, () => Promise<Subject>]> = [
  ['fake', async () => fake()],
  ...drivers.map((driver): [string, () => Promise<Subject>] => [driver, () => real(driver)]),
];

describe.each(subjects)('ledger and task repositories: %s', (_name, make) => {
  let s: Subject;
  beforeAll(async () => {
    s = await make();
  }, 60_000);
  afterAll(() => s.close());

  it('takes credits only from an active member who has enough', async () => {
    const member = await s.user(3, at(60));
    expect(await s.ledger.takeCredits(s.tx, member, 4, NOW)).toBe(false);
    expect(await s.ledger.takeCredits(s.tx, member, 3, NOW)).toBe(true);
    expect(await s.ledger.balance(s.tx, member)).toMatchObject({ quotaRemaining: 0, isMember: 1 });
    const endsNow = await s.user(3, NOW);
    expect(await s.ledger.takeCredits(s.tx, endsNow, 1, NOW)).toBe(false);
    expect(await s.ledger.lockExpiredMember(s.tx, endsNow, NOW)).toBe(true);
    expect(await s.ledger.lockExpiredMember(s.tx, member, NOW)).toBe(false);
    expect(await s.ledger.balance(s.tx, randomUUID())).toBeNull();
    expect(await s.ledger.lockUser(s.tx, randomUUID(), NOW)).toBe(false);
  });

  it('keeps keys unique, balances non-negative, and sums the deltas', async () => {
    const userId = await s.user(2, at(60));
    const entry = { userId, kind: 'refund' as const, delta: 1, balanceAfter: 3, key: `refund:${randomUUID()}` };
    expect(await s.ledger.insertOnce(s.tx, entry, NOW)).toBe(true);
    expect(await s.ledger.insertOnce(s.tx, entry, NOW)).toBe(false);
    expect(isUniqueViolation(await s.ledger.insert(s.tx, [entry], NOW).catch((err: unknown) => err))).toBe(true);
    expect(isCheckViolation(await s.ledger.addCredits(s.tx, userId, -3).catch((err: unknown) => err))).toBe(true);
    await s.ledger.setMembership(s.tx, userId, 1, false, null);
    expect(await s.ledger.balance(s.tx, userId)).toMatchObject({
      quotaRemaining: 3,
      isMember: 0,
      quotaExpireAt: null,
    });
    expect(await s.ledger.sumForUser(s.tx, userId)).toEqual({ sum: 3, negativeBalances: 0 });
    expect(await s.ledger.findByKey(s.tx, entry.key)).toMatchObject({ idempotencyKey: entry.key, kind: 'refund' });
  });

  it('changes a task only while it is active, and progress only forward', async () => {
    const userId = await s.user(0, null);
    const id = await s.task(userId, at(10));
    expect(await s.tasks.updateProgress(s.tx, id, 40, 'v1', NOW)).toBe(true);
    expect(await s.tasks.updateProgress(s.tx, id, 30, null, NOW)).toBe(false);
    expect(await s.tasks.findById(s.tx, id)).toMatchObject({
      status: 'processing',
      progress: 40,
      vendorTaskId: 'v1',
    });
    const detail = `RunningHub: ${'y'.repeat(3990)}`;
    expect(
      await s.tasks.finishUnsuccessfully(
        s.tx,
        id,
        'failed',
        { code: 'VENDOR_FAILED', reason: 'x'.repeat(600), detail },
        NOW,
      ),
    ).toBe(true);
    expect(await s.tasks.complete(s.tx, id, ['k'], null, NOW)).toBe(false);
    expect(await s.tasks.finishUnsuccessfully(s.tx, id, 'canceled', { code: 'CANCELED', reason: 'late' }, NOW)).toBe(
      false,
    );
    const row = await s.tasks.findById(s.tx, id);
    expect(row).toMatchObject({
      status: 'failed',
      errorCode: 'VENDOR_FAILED',
      resultKeys: null,
      errorDetail: detail,
    });
    expect(row?.errorReason).toHaveLength(512);
    const done = await s.task(userId, at(10));
    expect(await s.tasks.complete(s.tx, done, ['output/k.jpg'], 'v2', NOW)).toBe(true);
    expect(await s.tasks.findById(s.tx, done)).toMatchObject({ status: 'done', progress: 100, vendorTaskId: 'v2' });
  });

  it('finds active tasks past their deadline, earliest first', async () => {
    const userId = await s.user(0, null);
    const late = await s.task(userId, at(-5));
    const later = await s.task(userId, at(-10));
    await s.task(userId, at(5));
    const settled = await s.task(userId, at(-20));
    await s.tasks.complete(s.tx, settled, ['k'], null, NOW);
    const overdue = (await s.tasks.overdue(s.tx, NOW, 100)).map((t) => t.id).filter((id) => [late, later].includes(id));
    expect(overdue).toEqual([later, late]);
    expect((await s.tasks.overdue(s.tx, NOW, 100)).map((t) => t.id)).not.toContain(settled);
  });
});
