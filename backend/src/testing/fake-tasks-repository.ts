import { randomUUID } from 'node:crypto';
import { fromDbTime, toDbTime } from '../db/time';
import type { Db } from '../db/transaction';
import type { SettlementTasks } from '../modules/tasks/task-settlement.service';
import { toTask, type Task, type TaskRow, type TaskStatus } from '../modules/tasks/tasks.repository';
import { FakeDb } from './fake-db';
import type { MoneyTables } from './fake-ledger-repository';

export interface TaskEventRow {
  taskId: string;
  event: string;
  outcome: 'applied' | 'ignored';
  payload: unknown;
}

export interface TaskTables {
  tasks: Map<string, TaskRow>;
  taskEvents: TaskEventRow[];
}

const ACTIVE: TaskStatus[] = ['queued', 'processing'];

/**
 * The task state changes over in-memory tables, each keeping its SQL's condition (terminal
 * states never change, progress only forward); the integration tests run the real statements.
 */
export class FakeTasksRepository implements SettlementTasks {
  constructor(readonly db: FakeDb<TaskTables>) {}

  private active(id: string): TaskRow | undefined {
    const task = this.db.tables.tasks.get(id);
    return task && ACTIVE.includes(task.status) ? task : undefined;
  }

  async findById(_db: Db, id: string): Promise<Task | null> {
    const task = this.db.tables.tasks.get(id);
    return task ? toTask(task, null) : null;
  }

  async recordExecution(_db: Db, id: string, executionId: string, workflowId: string | null) {
    const task = this.db.tables.tasks.get(id);
    if (!task || task.n8n_execution_id !== null) return false;
    Object.assign(task, { n8n_execution_id: executionId, n8n_workflow_id: workflowId });
    return true;
  }

  async updateProgress(_db: Db, id: string, progress: number, vendorTaskId: string | null, now: Date) {
    const task = this.active(id);
    if (!task || task.progress > progress) return false;
    Object.assign(task, { status: 'processing', progress, updated_at: toDbTime(now) });
    task.vendor_task_id = vendorTaskId ?? task.vendor_task_id;
    return true;
  }

  async complete(_db: Db, id: string, resultKeys: string[], vendorTaskId: string | null, now: Date) {
    const task = this.active(id);
    if (!task) return false;
    const t = toDbTime(now);
    Object.assign(task, { status: 'done', progress: 100, result_keys: JSON.stringify(resultKeys) });
    Object.assign(task, { finished_at: t, updated_at: t, vendor_task_id: vendorTaskId ?? task.vendor_task_id });
    return true;
  }

  async finishUnsuccessfully(
    _db: Db,
    id: string,
    status: 'failed' | 'canceled',
    failure: { code: string; reason: string; detail?: string | null },
    now: Date,
  ) {
    const task = this.active(id);
    if (!task) return false;
    const t = toDbTime(now);
    Object.assign(task, {
      status,
      error_code: failure.code.slice(0, 64),
      error_reason: failure.reason.slice(0, 512),
      error_detail: failure.detail ?? null,
    });
    Object.assign(task, { finished_at: t, updated_at: t });
    return true;
  }

  async overdue(_db: Db, now: Date, limit: number): Promise<Task[]> {
    return [...this.db.tables.tasks.values()]
      .filter((t) => ACTIVE.includes(t.status) && fromDbTime(t.deadline_at)! < now)
      .sort((a, b) => a.deadline_at.localeCompare(b.deadline_at))
      .slice(0, limit)
      .map((t) => toTask(t, null));
  }

  async recordEvent(
    _db: Db,
    event: { id: string; taskId: string; event: string; payload: unknown; outcome: 'applied' | 'ignored' },
  ): Promise<void> {
    const { taskId, outcome, payload } = event;
    this.db.tables.taskEvents.push({ taskId, event: event.event, outcome, payload });
  }
}

/** Tasks and money on one fake database, so a rollback covers both. */
export type TaskMoneyTables = TaskTables & MoneyTables;

export function fakeTaskMoneyDb(): FakeDb<TaskMoneyTables> {
  return new FakeDb<TaskMoneyTables>({
    ...{ users: new Map(), ledger: [], lots: [], allocations: [] },
    ...{ tasks: new Map(), taskEvents: [] },
  });
}

/** Adds a task row (a `processing` basic_clean by default) and returns it. */
export function addFakeTask(
  db: FakeDb<TaskTables>,
  fields: { userId: string; status?: TaskStatus; deadlineAt: Date; now: Date; progress?: number },
): TaskRow {
  const id = randomUUID();
  const t = toDbTime(fields.now);
  const task: TaskRow = {
    id,
    user_id: fields.userId,
    batch_id: randomUUID(),
    type: 'basic_clean',
    status: fields.status ?? 'processing',
    input_key: `input/${fields.userId}/photo.jpg`,
    inputs: null,
    type_version: null,
    params: '{}',
    result_keys: null,
    vendor_task_id: null,
    n8n_execution_id: null,
    n8n_workflow_id: null,
    progress: fields.progress ?? 10,
    error_code: null,
    error_reason: null,
    error_detail: null,
    deadline_at: toDbTime(fields.deadlineAt),
    client_key: null,
    cache_key: null,
    hidden: 0,
    favorite: 0,
    dispatched_at: t,
    finished_at: null,
    created_at: t,
    updated_at: t,
    input_name: null,
    retry_of: null,
  };
  db.tables.tasks.set(id, task);
  return { ...task };
}
