import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction';
import { capturingLogger } from '../../../testing/capturing-logger';
import { FakeCreditLotsRepository } from '../../../testing/fake-credit-lots-repository';
import { addFakeUser, FakeLedgerRepository } from '../../../testing/fake-ledger-repository';
import { addFakeTask, fakeTaskMoneyDb, FakeTasksRepository } from '../../../testing/fake-tasks-repository';
import { LedgerService } from '../../ledger/ledger.service';
import type { ProgressEvent } from '../task-ports';
import { MERCHANT_FAILURE_MESSAGES } from '../task-failure';
import { TaskSettlement } from '../task-settlement.service';

// Where tasks end, on in-memory tables with the real ledger rules and a fixed clock. The SQL,
// concurrency and the HTTP callback are tasks.integration.test.ts's subject.
const NOW = new Date('2026-03-01T12:00:00.000Z');
const LATER = new Date(NOW.getTime() + 10 * 60_000);

function setup(options: { eventsFail?: boolean; progressFails?: boolean } = {}) {
  const db = fakeTaskMoneyDb();
  const ledger = new LedgerService(
    db.dataSource,
    new FakeLedgerRepository(db),
    () => NOW,
    new FakeCreditLotsRepository(db),
  );
  const published: ProgressEvent[] = [];
  const finished: Array<{ id: string; status: string }> = [];
  const { logger, lines } = capturingLogger();
  const settlement = new TaskSettlement({
    db: db.dataSource,
    tasks: new FakeTasksRepository(db),
    ports: {
      ledger,
      progress: {
        publish: async (_userId, event) => {
          if (options.progressFails) throw new Error('redis is down');
          published.push(event);
        },
      },
      events: {
        taskFinished: async (_tx, task) => {
          if (options.eventsFail) throw new Error('webhook rows could not be written');
          finished.push({ id: task.id, status: task.status });
        },
      },
    },
    logger,
    now: () => NOW,
  });
  /** A member's processing task with its credit reserved, as creating it leaves it. */
  const reservedTask = async (overrides: { deadlineAt?: Date; status?: 'queued' | 'processing' } = {}) => {
    const userId = addFakeUser(db, { quota: 3, now: NOW });
    const task = addFakeTask(db, { userId, now: NOW, deadlineAt: overrides.deadlineAt ?? LATER, ...overrides });
    await inTransaction(db.dataSource, (tx) => ledger.reserve(tx, userId, 1, [task.id]));
    return task;
  };
  const stateOf = (id: string) => db.tables.tasks.get(id)!;
  const refundsOf = (id: string) => db.tables.ledger.filter((r) => r.idempotency_key === `refund:${id}`);
  const eventsOf = (id: string) => db.tables.taskEvents.filter((e) => e.taskId === id).map((e) => [e.event, e.outcome]);
  return { db, ledger, settlement, published, finished, lines, reservedTask, stateOf, refundsOf, eventsOf };
}

describe('TaskSettlement: results from n8n', () => {
  it('settles done with its results, keeps the credit, announces and publishes it', async () => {
    const { ledger, settlement, published, finished, reservedTask, stateOf, refundsOf, eventsOf } = setup();
    const task = await reservedTask();
    const key = `output/${task.user_id}/${task.id}/main.jpg`;
    expect(await settlement.applyCallback({ taskId: task.id, event: 'done', resultKeys: [key] })).toEqual({
      applied: true,
      status: 'done',
    });
    expect(stateOf(task.id)).toMatchObject({ status: 'done', progress: 100, result_keys: JSON.stringify([key]) });
    expect(refundsOf(task.id)).toEqual([]);
    expect(finished).toEqual([{ id: task.id, status: 'done' }]);
    expect(published).toEqual([expect.objectContaining({ taskId: task.id, status: 'done', progress: 100 })]);
    expect(eventsOf(task.id)).toEqual([['done', 'applied']]);
    expect(await ledger.checkInvariant(task.user_id)).toMatchObject({ ok: true, balance: 2 });
  });

  it('settles failed with the merchant code and message (vendor text kept for admins) and refunds once', async () => {
    const { ledger, settlement, finished, reservedTask, stateOf, refundsOf } = setup();
    const task = await reservedTask();
    const failed = {
      taskId: task.id,
      event: 'failed' as const,
      error: { code: 'VENDOR_FAILED', message: 'CI said no' },
    };
    expect(await settlement.applyCallback(failed)).toEqual({ applied: true, status: 'failed' });
    expect(stateOf(task.id)).toMatchObject({
      status: 'failed',
      error_code: 'VENDOR_FAILED',
      error_reason: MERCHANT_FAILURE_MESSAGES.VENDOR_FAILED,
      error_detail: 'VENDOR_FAILED: CI said no',
    });
    expect(refundsOf(task.id)).toHaveLength(1);
    expect(finished).toEqual([{ id: task.id, status: 'failed' }]);
    expect(await ledger.checkInvariant(task.user_id)).toMatchObject({ ok: true, balance: 3 });
  });

  it('ignores a second settle: the first terminal state stays, nothing is refunded twice', async () => {
    const { ledger, settlement, finished, reservedTask, stateOf, refundsOf, eventsOf } = setup();
    const task = await reservedTask();
    await settlement.applyCallback({ taskId: task.id, event: 'failed' });
    const key = `output/${task.user_id}/${task.id}/main.jpg`;
    expect(await settlement.applyCallback({ taskId: task.id, event: 'done', resultKeys: [key] })).toEqual({
      applied: false,
      reason: 'task is already failed',
      status: 'failed',
    });
    expect(await settlement.applyCallback({ taskId: task.id, event: 'failed' })).toMatchObject({ applied: false });
    expect(stateOf(task.id)).toMatchObject({ status: 'failed', error_code: 'GENERATION_FAILED', result_keys: null });
    expect(refundsOf(task.id)).toHaveLength(1);
    expect(finished).toHaveLength(1);
    expect(eventsOf(task.id)).toEqual([
      ['failed', 'applied'],
      ['done', 'ignored'],
      ['failed', 'ignored'],
    ]);
    expect(await ledger.checkInvariant(task.user_id)).toMatchObject({ ok: true, balance: 3 });
  });

  it('fails and refunds a done whose results are missing or lie outside the task prefix', async () => {
    const { settlement, reservedTask, stateOf, refundsOf } = setup();
    const outside = (taskUser: string) => [
      [],
      [`output/${taskUser}/other-task/x.jpg`],
      ['https://vendor.example/x.jpg'],
    ];
    for (const pick of [0, 1, 2]) {
      const task = await reservedTask();
      const resultKeys = outside(task.user_id)[pick];
      expect(await settlement.applyCallback({ taskId: task.id, event: 'done', resultKeys })).toEqual({
        applied: true,
        reason: 'invalid result keys',
        status: 'failed',
      });
      expect(stateOf(task.id)).toMatchObject({ status: 'failed', error_code: 'INVALID_RESULT', result_keys: null });
      expect(refundsOf(task.id)).toHaveLength(1);
    }
  });

  it('moves progress forward only, below 100, and only while the task is active', async () => {
    const { settlement, reservedTask, stateOf } = setup();
    const task = await reservedTask({ status: 'queued' });
    expect(
      await settlement.applyCallback({ taskId: task.id, event: 'progress', progress: 40, vendorTaskId: 'v1' }),
    ).toEqual({ applied: true, status: 'processing' });
    expect(stateOf(task.id)).toMatchObject({ status: 'processing', progress: 40, vendor_task_id: 'v1' });
    expect(await settlement.applyCallback({ taskId: task.id, event: 'progress', progress: 20 })).toMatchObject({
      applied: false,
    });
    await settlement.applyCallback({ taskId: task.id, event: 'progress', progress: 100 });
    expect(stateOf(task.id).progress).toBe(99);
    await settlement.applyCallback({ taskId: task.id, event: 'failed' });
    expect(await settlement.applyCallback({ taskId: task.id, event: 'progress', progress: 99 })).toMatchObject({
      applied: false,
    });
    expect(stateOf(task.id).status).toBe('failed');
  });

  it('publishes every applied change as the stored row has it (the row is not read again)', async () => {
    const { settlement, published, reservedTask, stateOf } = setup();
    const asStored = (id: string) => {
      const row = stateOf(id);
      return {
        taskId: id,
        status: row.status,
        progress: row.progress,
        errorCode: row.error_code ?? null,
        errorReason: row.error_reason ?? null,
      };
    };
    const cases: Array<(id: string, userId: string) => Parameters<TaskSettlement['applyCallback']>[0]> = [
      (id) => ({ taskId: id, event: 'progress', progress: 40 }),
      (id, userId) => ({ taskId: id, event: 'done', resultKeys: [`output/${userId}/${id}/main.jpg`] }),
      (id) => ({ taskId: id, event: 'failed', error: { code: 'VENDOR_FAILED', message: 'x'.repeat(5000) } }),
      (id) => ({ taskId: id, event: 'done', resultKeys: ['https://vendor.example/x.jpg'] }),
    ];
    for (const make of cases) {
      const task = await reservedTask({ status: 'queued' });
      published.length = 0;
      expect(await settlement.applyCallback(make(task.id, task.user_id))).toMatchObject({ applied: true });
      expect(published).toEqual([asStored(task.id)]);
    }
  });

  it('records nothing for an unknown task', async () => {
    const { db, settlement, lines } = setup();
    expect(await settlement.applyCallback({ taskId: randomUUID(), event: 'done', resultKeys: ['x'] })).toEqual({
      applied: false,
      reason: 'unknown task',
    });
    expect(db.tables.taskEvents).toEqual([]);
    expect(lines.join('')).toContain('callback recorded without effect');
  });
});

describe('TaskSettlement: cancel and the watchdog', () => {
  it('cancels an active task with a refund, once', async () => {
    const { ledger, settlement, finished, reservedTask, stateOf, refundsOf } = setup();
    const task = await reservedTask({ status: 'queued' });
    expect(await settlement.finish(task.id, 'canceled', 'CANCELED', 'Canceled by the user')).toBe(true);
    expect(await settlement.finish(task.id, 'canceled', 'CANCELED', 'Canceled by the user')).toBe(false);
    expect(stateOf(task.id)).toMatchObject({ status: 'canceled', error_code: 'CANCELED' });
    expect(refundsOf(task.id)).toHaveLength(1);
    expect(finished).toEqual([{ id: task.id, status: 'canceled' }]);
    expect(await ledger.checkInvariant(task.user_id)).toMatchObject({ ok: true, balance: 3 });
  });

  it('fails overdue tasks with TIMEOUT and refunds them, leaving the others running', async () => {
    const { settlement, reservedTask, stateOf, refundsOf } = setup();
    const overdue = await reservedTask({ deadlineAt: new Date(NOW.getTime() - 1) });
    const onTime = await reservedTask({ deadlineAt: LATER });
    expect(await settlement.failOverdue()).toBe(1);
    expect(stateOf(overdue.id)).toMatchObject({ status: 'failed', error_code: 'TIMEOUT' });
    expect(refundsOf(overdue.id)).toHaveLength(1);
    expect(stateOf(onTime.id).status).toBe('processing');
    expect(await settlement.failOverdue()).toBe(0);
  });
});

describe('TaskSettlement: one transaction per change', () => {
  it('undoes the state change and the refund when the announcement cannot be written', async () => {
    const { ledger, settlement, reservedTask, stateOf, refundsOf, eventsOf } = setup({ eventsFail: true });
    const task = await reservedTask();
    await expect(settlement.applyCallback({ taskId: task.id, event: 'failed' })).rejects.toThrow(
      'webhook rows could not be written',
    );
    expect(stateOf(task.id).status).toBe('processing');
    expect(refundsOf(task.id)).toEqual([]);
    expect(eventsOf(task.id)).toEqual([]);
    expect(await ledger.checkInvariant(task.user_id)).toMatchObject({ ok: true, balance: 2 });
  });

  it('keeps a settled task settled when the progress push fails (clients can poll)', async () => {
    const { settlement, lines, reservedTask, stateOf } = setup({ progressFails: true });
    const task = await reservedTask();
    expect(await settlement.applyCallback({ taskId: task.id, event: 'failed' })).toEqual({
      applied: true,
      status: 'failed',
    });
    expect(stateOf(task.id).status).toBe('failed');
    expect(lines.join('')).toContain('progress publish failed');
  });
});
