import { randomUUID } from 'node:crypto';
import { waitFor } from '../../../../../jest/wait-for';
import { capturingLogger } from '../../../testing/capturing-logger';
import { addFakeTask, fakeTaskMoneyDb, FakeTasksRepository } from '../../../testing/fake-tasks-repository';
import { Metrics } from '../../../infra/metrics';
import type { ExecutionControlPort } from '../task-ports';
import { TaskSettlement } from '../task-settlement.service';

// Which n8n execution works on a task, and stopping it when the task is canceled. Money is not
// the subject here (task-settlement.test.ts is): the ledger port only records refunds.
const NOW = new Date('2026-03-01T12:00:00.000Z');
const LATER = new Date(NOW.getTime() + 10 * 60_000);

function setup(options: { executions?: boolean; stopAnswer?: 'stopped' | 'not-running' | 'failed' } = {}) {
  const db = fakeTaskMoneyDb();
  const stops: string[] = [];
  const refunds: string[] = [];
  const executions: ExecutionControlPort = {
    stop: async (executionId) => {
      stops.push(executionId);
      return options.stopAnswer ?? 'stopped';
    },
  };
  const metrics = new Metrics();
  const { logger, lines } = capturingLogger();
  const settlement = new TaskSettlement({
    db: db.dataSource,
    tasks: new FakeTasksRepository(db),
    ports: {
      ledger: { reserve: async () => undefined, refund: async (_tx, taskId) => void refunds.push(taskId) },
      progress: { publish: async () => undefined },
      executions: options.executions === false ? undefined : executions,
    },
    logger,
    metrics,
    now: () => NOW,
  });
  const task = (status: 'queued' | 'processing' = 'processing') =>
    addFakeTask(db, { userId: randomUUID(), now: NOW, deadlineAt: LATER, status });
  const stateOf = (id: string) => db.tables.tasks.get(id)!;
  const stopCount = async (outcome: string) =>
    (await metrics.executionStops.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { settlement, stops, refunds, lines, task, stateOf, stopCount };
}

describe('TaskSettlement: the n8n execution of a task', () => {
  it('keeps the first execution that reports, and answers every callback with the task’s status', async () => {
    const { settlement, task, stateOf } = setup();
    const t = task();
    expect(
      await settlement.applyCallback({
        taskId: t.id,
        event: 'progress',
        progress: 15,
        executionId: '41',
        workflowId: 'wfPose',
      }),
    ).toEqual({ applied: true, status: 'processing' });
    // A second execution of the same task (a resent dispatch) does not replace it.
    await settlement.applyCallback({
      taskId: t.id,
      event: 'progress',
      progress: 19,
      executionId: '42',
      workflowId: 'x',
    });
    expect(stateOf(t.id)).toMatchObject({ n8n_execution_id: '41', n8n_workflow_id: 'wfPose', progress: 19 });
    const key = `output/${t.user_id}/${t.id}/main.jpg`;
    expect(await settlement.applyCallback({ taskId: t.id, event: 'done', resultKeys: [key] })).toEqual({
      applied: true,
      status: 'done',
    });
    expect(await settlement.applyCallback({ taskId: t.id, event: 'progress', progress: 90 })).toMatchObject({
      applied: false,
      status: 'done',
    });
    expect(await settlement.applyCallback({ taskId: 'nope', event: 'progress', progress: 1 })).toEqual({
      applied: false,
      reason: 'unknown task',
    });
  });

  it('a cancel stops the execution that reported on the task, once, and counts it', async () => {
    const { settlement, stops, refunds, task, stateOf, stopCount } = setup();
    const t = task();
    await settlement.applyCallback({
      taskId: t.id,
      event: 'progress',
      progress: 5,
      executionId: '77',
      workflowId: 'w',
    });
    expect(await settlement.finish(t.id, 'canceled', 'CANCELED', 'by the merchant')).toBe(true);
    expect(stateOf(t.id).status).toBe('canceled');
    expect(refunds).toEqual([t.id]);
    expect(stops).toEqual(['77']);
    expect(await stopCount('stopped')).toBe(1);
    // Canceling again changes nothing and stops nothing.
    expect(await settlement.finish(t.id, 'canceled', 'CANCELED', 'again')).toBe(false);
    expect(stops).toEqual(['77']);
  });

  it('an execution that first reports after the cancel is stopped then, and told the task is canceled', async () => {
    const { settlement, stops, task, lines } = setup();
    const t = task('queued');
    expect(await settlement.finish(t.id, 'canceled', 'CANCELED', 'by the merchant')).toBe(true);
    expect(stops).toEqual([]); // nothing to stop yet: no execution had named itself
    const late = await settlement.applyCallback({
      taskId: t.id,
      event: 'progress',
      progress: 90,
      executionId: '88',
      workflowId: 'w',
    });
    expect(late).toMatchObject({ applied: false, status: 'canceled' });
    // The stop is not awaited by the answer (the execution waits for that answer): wait for the log line.
    await waitFor(
      () => lines.filter((l) => l.includes('stopping the n8n execution of a canceled task')),
      (found) => found.length === 1,
      { what: 'the stop of the late execution' },
    );
    expect(stops).toEqual(['88']);
  });

  it('a timeout or a failure stops nothing (the run ends as a failed execution by itself)', async () => {
    const { settlement, stops, task } = setup();
    const timedOut = task();
    await settlement.applyCallback({ taskId: timedOut.id, event: 'progress', executionId: '5', workflowId: 'w' });
    expect(await settlement.finish(timedOut.id, 'failed', 'TIMEOUT', 'too long')).toBe(true);
    const failed = task();
    await settlement.applyCallback({ taskId: failed.id, event: 'progress', executionId: '6', workflowId: 'w' });
    await settlement.applyCallback({ taskId: failed.id, event: 'failed', error: { code: 'VENDOR_FAILED' } });
    // A repeated failed callback (a retry after a lost answer) does not stop its run either.
    await settlement.applyCallback({ taskId: failed.id, event: 'failed', executionId: '6', workflowId: 'w' });
    expect(stops).toEqual([]);
  });

  it('without an n8n login the cancel still settles; an unreachable n8n is logged and counted, never thrown', async () => {
    const none = setup({ executions: false });
    const a = none.task();
    await none.settlement.applyCallback({ taskId: a.id, event: 'progress', executionId: '1', workflowId: 'w' });
    expect(await none.settlement.finish(a.id, 'canceled', 'CANCELED', 'by the merchant')).toBe(true);
    expect(none.stateOf(a.id).status).toBe('canceled');

    const down = setup({ stopAnswer: 'failed' });
    const b = down.task();
    await down.settlement.applyCallback({ taskId: b.id, event: 'progress', executionId: '2', workflowId: 'w' });
    expect(await down.settlement.finish(b.id, 'canceled', 'CANCELED', 'by the merchant')).toBe(true);
    expect(await down.stopCount('failed')).toBe(1);
  });
});
