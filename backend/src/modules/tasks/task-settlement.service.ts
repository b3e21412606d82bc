import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import '../../openapi/registry'; // adds .openapi() to zod, whoever imports this file first
import { inTransaction, type Db } from '../../db/transaction';
import type { Logger } from '../../infra/logger';
import type { Metrics } from '../../infra/metrics';
import {
  FAILURE_DETAIL_MAX_CHARS,
  cleanVendorText,
  failureFromReport,
  failureOf,
  type TaskFailure,
} from './task-failure';
import type { ProgressEvent, TaskPorts } from './task-ports';
import { storedFailure, type Task, type TasksRepository } from './tasks.repository';

export const CallbackSchema = z
  .object({
    taskId: z.string().min(1).max(64),
    event: z.enum(['progress', 'done', 'failed']),
    progress: z.number().int().min(0).max(100).optional(),
    resultKeys: z.array(z.string().min(1).max(255)).max(50).optional(),
    vendorTaskId: z.string().max(128).optional(),
    // The n8n execution sending this (the AI Photo Callback node adds them): kept with the task.
    executionId: z
      .string()
      .regex(/^\d{1,32}$/)
      .optional(),
    workflowId: z.string().min(1).max(64).optional(),
    // Vendor text of any length is accepted (the body limit bounds it) and cleaned and capped
    // when stored: refusing the callback would leave the task to the watchdog (task-failure.ts).
    error: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
  })
  .openapi('N8nCallback');

export type CallbackEvent = z.infer<typeof CallbackSchema>;

/** What settling reads and writes of the tasks table (the repository, or a fake in unit tests). */
export type SettlementTasks = Pick<
  TasksRepository,
  'findById' | 'recordEvent' | 'recordExecution' | 'updateProgress' | 'complete' | 'finishUnsuccessfully' | 'overdue'
>;

export interface CallbackOutcome {
  applied: boolean;
  reason?: string;
  /** The task's status after the callback (absent for an unknown task): the flow stops work for a finished task. */
  status?: Task['status'];
}

/** What an applied callback's conditional UPDATE wrote: the state fields events and progress are made of. */
type StateChange = Pick<Task, 'status' | 'progress'> & Partial<Pick<Task, 'errorCode' | 'errorReason'>>;

type Applied = CallbackOutcome & { change?: StateChange };

/** What announcing and publishing a settled task read of it (and all an applied callback knows as current). */
type SettledTask = Pick<Task, 'id' | 'userId' | 'type' | 'status' | 'progress' | 'errorCode' | 'errorReason'>;

export interface TaskSettlementDeps {
  db: DataSource;
  tasks: SettlementTasks;
  ports: Pick<TaskPorts, 'ledger' | 'progress' | 'events' | 'executions'>;
  logger: Logger;
  metrics?: Metrics | null;
  now?: () => Date;
}

/**
 * Where tasks end: results and failures from n8n, cancels, and the watchdog's timeouts.
 * Each change is one transaction: a conditional state update (terminal states never change),
 * the refund keyed by task (at most once), and a `task_events` row recording what arrived.
 */
export class TaskSettlement {
  private readonly db: DataSource;
  private readonly tasks: SettlementTasks;
  private readonly ports: Pick<TaskPorts, 'ledger' | 'progress' | 'events' | 'executions'>;
  private readonly logger: Logger;
  private readonly metrics: Metrics | null;
  private readonly now: () => Date;

  constructor(deps: TaskSettlementDeps) {
    this.db = deps.db;
    this.tasks = deps.tasks;
    this.ports = deps.ports;
    this.logger = deps.logger;
    this.metrics = deps.metrics ?? null;
    this.now = deps.now ?? (() => new Date());
  }

  async applyCallback(event: CallbackEvent): Promise<CallbackOutcome> {
    const result = await inTransaction(
      this.db,
      async (tx): Promise<{ outcome: CallbackOutcome; task: SettledTask | null }> => {
        const task = await this.tasks.findById(tx, event.taskId);
        if (!task) return { outcome: { applied: false, reason: 'unknown task' }, task: null };
        // The first execution to report is kept; later callbacks of a known execution write nothing.
        if (event.executionId && !task.n8nExecutionId)
          await this.tasks.recordExecution(tx, task.id, event.executionId, event.workflowId ?? null);
        const { change, ...outcome } = await this.applyTo(task, event, tx);
        await this.tasks.recordEvent(
          tx,
          {
            id: randomUUID(),
            taskId: task.id,
            event: event.event,
            payload: storedEvent(event),
            outcome: outcome.applied ? 'applied' : 'ignored',
          },
          this.now(),
        );
        // The row as the applied UPDATE left it, without reading it again: the UPDATE was
        // conditional on the state read above and wrote exactly `change`; what announces and
        // publishes it (id, owner, type, status, progress, error) is all there.
        const changed: SettledTask | null = outcome.applied && change ? { ...pickSettled(task), ...change } : null;
        if (changed) await this.announceTerminal(tx, changed);
        return { outcome: { ...outcome, status: (changed ?? task).status }, task: changed };
      },
    );
    this.metrics?.callbacks.inc({ event: event.event, outcome: result.outcome.applied ? 'applied' : 'ignored' });
    if (!result.outcome.applied)
      this.logger.info(
        { taskId: event.taskId, event: event.event, reason: result.outcome.reason },
        'callback recorded without effect',
      );
    if (result.task) await this.publish(result.task);
    // The execution of a task canceled before it first reported (so before its id was known):
    // stopped now, without holding up the answer the execution itself is waiting for.
    if (!result.outcome.applied && result.outcome.status === 'canceled' && event.executionId)
      void this.stopExecution(event.taskId, event.executionId);
    return result.outcome;
  }

  private async applyTo(task: Task, event: CallbackEvent, tx: Db): Promise<Applied> {
    const now = this.now();
    switch (event.event) {
      case 'progress': {
        const progress = Math.min(event.progress ?? task.progress, 99);
        const changed = await this.tasks.updateProgress(tx, task.id, progress, event.vendorTaskId ?? null, now);
        return changed
          ? { applied: true, change: { status: 'processing', progress } }
          : { applied: false, reason: `task is ${task.status} or progress went backwards` };
      }
      case 'done': {
        const prefix = `output/${task.userId}/${task.id}/`;
        const keys = event.resultKeys ?? [];
        // Results must be our own stored objects for this task: never vendor URLs, never other paths.
        if (!keys.length || keys.some((k) => !k.startsWith(prefix) || k.includes('..'))) {
          const failed = await this.failIn(
            tx,
            task,
            failureOf('INVALID_RESULT', `n8n reported results outside ${prefix}: ${JSON.stringify(keys)}`),
            now,
          );
          return failed
            ? { applied: true, reason: 'invalid result keys', change: failed }
            : { applied: false, reason: `task is ${task.status}` };
        }
        const changed = await this.tasks.complete(tx, task.id, keys, event.vendorTaskId ?? null, now);
        return changed
          ? { applied: true, change: { status: 'done', progress: 100 } }
          : { applied: false, reason: `task is already ${task.status}` };
      }
      case 'failed': {
        // The merchant gets a stable code and message; the vendor's words stay with admins and logs.
        const failure = failureFromReport(event.error);
        const changed = await this.failIn(tx, task, failure, now);
        if (changed)
          this.logger.info(
            { taskId: task.id, code: failure.code, detail: failure.detail, vendorTaskId: event.vendorTaskId },
            'n8n reported the task failed',
          );
        return changed
          ? { applied: true, change: changed }
          : { applied: false, reason: `task is already ${task.status}` };
      }
    }
  }

  /** Fails an active task and refunds it in `tx`; answers what was written, null when it was already terminal. */
  private async failIn(tx: Db, task: Task, failure: TaskFailure, now: Date): Promise<StateChange | null> {
    if (!(await this.tasks.finishUnsuccessfully(tx, task.id, 'failed', failure, now))) return null;
    await this.ports.ledger.refund(tx, task.id);
    const stored = storedFailure(failure);
    return { status: 'failed', progress: task.progress, errorCode: stored.code, errorReason: stored.reason };
  }

  /**
   * Cancel or time out: terminal state + refund in one transaction; false if already terminal.
   * A cancel then stops the task's n8n execution, when one has reported, so no more vendor work
   * is done for it (a timeout leaves the execution to end by its own limit, as a failed run).
   */
  async finish(
    taskId: string,
    status: 'failed' | 'canceled',
    code: string,
    reason: string,
    detail: string | null = null,
  ): Promise<boolean> {
    const task = await inTransaction(this.db, async (tx) => {
      const failure = { code, reason, detail };
      if (!(await this.tasks.finishUnsuccessfully(tx, taskId, status, failure, this.now()))) return null;
      await this.ports.ledger.refund(tx, taskId);
      const finished = await this.tasks.findById(tx, taskId);
      if (finished) await this.announceTerminal(tx, finished);
      return finished;
    });
    if (task) await this.publish(task);
    if (task?.status === 'canceled' && task.n8nExecutionId) await this.stopExecution(task.id, task.n8nExecutionId);
    return task !== null;
  }

  /** Best effort: the task is settled whatever n8n answers; the outcome is logged and counted. */
  private async stopExecution(taskId: string, executionId: string): Promise<void> {
    const control = this.ports.executions;
    if (!control) return;
    try {
      const outcome = await control.stop(executionId);
      this.metrics?.executionStops.inc({ outcome });
      this.logger.info({ taskId, executionId, outcome }, 'stopping the n8n execution of a canceled task');
    } catch (err) {
      this.metrics?.executionStops.inc({ outcome: 'failed' });
      this.logger.warn({ err, taskId, executionId }, 'stopping the n8n execution of a canceled task failed');
    }
  }

  /** The watchdog: fails every task past its deadline, even if n8n never answers. */
  async failOverdue(limit = 100): Promise<number> {
    const overdue = await this.tasks.overdue(this.db.manager, this.now(), limit);
    let failed = 0;
    for (const task of overdue) {
      const timeout = failureOf('TIMEOUT');
      if (await this.finish(task.id, 'failed', timeout.code, timeout.reason)) failed += 1;
    }
    if (failed) this.logger.warn({ failed }, 'watchdog failed overdue tasks');
    return failed;
  }

  /** Terminal changes reach the events port in the settling transaction (progress ones do not). */
  private async announceTerminal(tx: Db, task: SettledTask): Promise<void> {
    if (task.status === 'done' || task.status === 'failed' || task.status === 'canceled') {
      await this.ports.events?.taskFinished(tx, { id: task.id, userId: task.userId, status: task.status });
    }
  }

  private async publish(task: SettledTask): Promise<void> {
    if (['done', 'failed', 'canceled'].includes(task.status)) {
      this.metrics?.tasksFinished.inc({ type: task.type, status: task.status, code: task.errorCode ?? '' });
    }
    const event: ProgressEvent = {
      taskId: task.id,
      status: task.status,
      progress: task.progress,
      errorCode: task.errorCode,
      errorReason: task.errorReason,
    };
    try {
      await this.ports.progress.publish(task.userId, event);
    } catch (err) {
      // Progress is best effort: the database already holds the truth and clients can poll.
      this.logger.warn({ err, taskId: task.id }, 'progress publish failed');
    }
  }
}

function pickSettled({ id, userId, type, status, progress, errorCode, errorReason }: Task): SettledTask {
  return { id, userId, type, status, progress, errorCode, errorReason };
}

/** The callback as `task_events` keeps it: vendor text cleaned and capped like the task's error detail. */
function storedEvent(event: CallbackEvent): CallbackEvent {
  if (!event.error) return event;
  const { code, message } = event.error;
  return {
    ...event,
    error: {
      ...(code === undefined ? {} : { code: cleanVendorText(code, 64) }),
      ...(message === undefined ? {} : { message: cleanVendorText(message, FAILURE_DETAIL_MAX_CHARS) }),
    },
  };
}
