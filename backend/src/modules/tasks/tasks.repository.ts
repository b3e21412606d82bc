import { toDbTime } from '../../db/time';
import { readRows } from '../../db/direct-read';
import { execute, rows, type Db } from '../../db/transaction';
import type { TaskTypeDefinition } from '../task-types/task-type.schema';
import type { StoredInput } from './task-request';
import { saveTypeVersion, typeDefinitionTexts, typeVersionOf } from './task-type-versions';

export type TaskStatus = 'queued' | 'processing' | 'done' | 'failed' | 'canceled';
export const ACTIVE_STATUSES: TaskStatus[] = ['queued', 'processing'];

/**
 * A task as the rest of the backend sees it: the row mapped to camelCase at the repository edge
 * (toTask), so no service or route names a column. JSON columns stay JSON text (task-request.ts
 * and task-view.ts read them); times are database times (db/time.ts).
 */
export interface Task {
  id: string;
  userId: string;
  batchId: string;
  type: string;
  status: TaskStatus;
  inputKey: string;
  /** Every input slot (JSON `Record<slot, StoredInput>`); null on rows older than task types as data. */
  inputs: string | null;
  /**
   * The task type's definition at creation (JSON), so later edits never change this task: the
   * text of its `task_type_versions` row (task-type-versions.ts), shared by every task of it.
   */
  typeDef: string | null;
  /** That row's key (the SHA-256 of the text); null on rows older than task types as data. */
  typeVersion: string | null;
  params: string;
  resultKeys: string | null;
  vendorTaskId: string | null;
  /** The n8n execution working on the task and its workflow, from the first callback that named them. */
  n8nExecutionId: string | null;
  n8nWorkflowId: string | null;
  progress: number;
  errorCode: string | null;
  errorReason: string | null;
  /** Admins only: the raw failure code and text as reported (cleaned, capped); never shown to merchants. */
  errorDetail: string | null;
  deadlineAt: string;
  clientKey: string | null;
  cacheKey: string | null;
  hidden: number;
  favorite: number;
  dispatchedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The original file name of the input upload at creation (cleaned), null when unknown. */
  inputName: string | null;
  /** The failed task this one was created to retry, if any. */
  retryOf: string | null;
}

/** A `tasks` row as the database answers it (repositories only). */
export interface TaskRow {
  id: string;
  user_id: string;
  batch_id: string;
  type: string;
  status: TaskStatus;
  input_key: string;
  /** Every input slot (JSON `Record<slot, StoredInput>`); null on rows older than task types as data. */
  inputs: string | null;
  /** The task type's definition at creation: a `task_type_versions` hash (task-type-versions.ts). */
  type_version: string | null;
  params: string;
  result_keys: string | null;
  vendor_task_id: string | null;
  /** The n8n execution working on the task and its workflow, from the first callback that named them. */
  n8n_execution_id: string | null;
  n8n_workflow_id: string | null;
  progress: number;
  error_code: string | null;
  error_reason: string | null;
  /** Admins only: the raw failure code and text as reported (cleaned, capped); never shown to merchants. */
  error_detail: string | null;
  deadline_at: string;
  client_key: string | null;
  cache_key: string | null;
  hidden: number;
  favorite: number;
  dispatched_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
  /** The original file name of the input upload at creation (cleaned), null when unknown. */
  input_name: string | null;
  /** The failed task this one was created to retry, if any. */
  retry_of: string | null;
}

/** A failure's code and reason as `finishUnsuccessfully` stores them (capped to their columns). */
export function storedFailure(failure: { code: string; reason: string }): { code: string; reason: string } {
  return { code: failure.code.slice(0, 64), reason: failure.reason.slice(0, 512) };
}

/**
 * `tasks` rows → domain objects, each with its frozen definition's text (one read of
 * `task_type_versions` at most, for versions this process has not seen yet); every read of a
 * task answers through it.
 */
export async function toTasks(db: Db, found: TaskRow[]): Promise<Task[]> {
  if (!found.length) return [];
  const texts = await typeDefinitionTexts(
    db,
    found.map((r) => r.type_version),
  );
  return found.map((row) => toTask(row, row.type_version ? (texts.get(row.type_version) ?? null) : null));
}

/** The `tasks` row → the domain object, given its definition's text. */
export function toTask(row: TaskRow, typeDef: string | null): Task {
  return {
    id: row.id,
    userId: row.user_id,
    batchId: row.batch_id,
    type: row.type,
    status: row.status,
    inputKey: row.input_key,
    inputs: row.inputs,
    typeDef,
    typeVersion: row.type_version,
    params: row.params,
    resultKeys: row.result_keys,
    vendorTaskId: row.vendor_task_id,
    n8nExecutionId: row.n8n_execution_id,
    n8nWorkflowId: row.n8n_workflow_id,
    progress: row.progress,
    errorCode: row.error_code,
    errorReason: row.error_reason,
    errorDetail: row.error_detail,
    deadlineAt: row.deadline_at,
    clientKey: row.client_key,
    cacheKey: row.cache_key,
    hidden: row.hidden,
    favorite: row.favorite,
    dispatchedAt: row.dispatched_at,
    finishedAt: row.finished_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    inputName: row.input_name,
    retryOf: row.retry_of,
  };
}

/**
 * A task as a history page presents it (task-view.ts): only what the answer shows, read from only
 * those columns: turning every column of every row into a JavaScript value was most of what a
 * page's query cost (docs/performance.md, fifth pass).
 */
export type ListedTask = Pick<
  Task,
  | 'id'
  | 'batchId'
  | 'type'
  | 'status'
  | 'progress'
  | 'params'
  | 'inputKey'
  | 'inputs'
  | 'typeDef'
  | 'typeVersion'
  | 'resultKeys'
  | 'inputName'
  | 'errorCode'
  | 'errorReason'
  | 'retryOf'
  | 'favorite'
  | 'createdAt'
  | 'updatedAt'
>;

/** The columns of a ListedTask (all but its definition's text, which comes by `type_version`). */
type ListedTaskRow = Pick<
  TaskRow,
  | 'id'
  | 'batch_id'
  | 'type'
  | 'status'
  | 'progress'
  | 'params'
  | 'input_key'
  | 'inputs'
  | 'type_version'
  | 'result_keys'
  | 'input_name'
  | 'error_code'
  | 'error_reason'
  | 'retry_of'
  | 'favorite'
  | 'created_at'
  | 'updated_at'
>;

const LISTED_COLUMNS =
  'id, batch_id, type, status, progress, params, input_key, inputs, type_version, result_keys, input_name, ' +
  'error_code, error_reason, retry_of, favorite, created_at, updated_at';

async function toListedTasks(db: Db, found: ListedTaskRow[]): Promise<ListedTask[]> {
  if (!found.length) return [];
  const texts = await typeDefinitionTexts(
    db,
    found.map((r) => r.type_version),
  );
  return found.map((row) => ({
    id: row.id,
    batchId: row.batch_id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    params: row.params,
    inputKey: row.input_key,
    inputs: row.inputs,
    typeDef: row.type_version ? (texts.get(row.type_version) ?? null) : null,
    typeVersion: row.type_version,
    resultKeys: row.result_keys,
    inputName: row.input_name,
    errorCode: row.error_code,
    errorReason: row.error_reason,
    retryOf: row.retry_of,
    favorite: row.favorite,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

export interface NewTask {
  id: string;
  userId: string;
  batchId: string;
  type: string;
  typeDef: TaskTypeDefinition;
  status: TaskStatus;
  inputKey: string;
  inputs: Record<string, StoredInput>;
  params: Record<string, unknown>;
  resultKeys: string[] | null;
  progress: number;
  deadlineAt: Date;
  clientKey: string | null;
  cacheKey: string | null;
  /** The input upload's original name (result downloads are named after it). */
  inputName?: string | null;
  /** The failed task this one retries. */
  retryOf?: string | null;
}

export interface TaskListFilter {
  userId: string;
  type?: string;
  status?: TaskStatus;
  /** Only the favourites (served by `ix_tasks_user_favorite`). */
  favorite?: boolean;
  /** Created at or after this database time. */
  from?: string;
  /** Created strictly before this database time. */
  to?: string;
  /** Part of the input's original file name (`input_name`), as typed: no pattern characters. */
  name?: string;
  limit: number;
  /** Exclusive position: tasks strictly older than (createdAt, id). */
  before?: { createdAt: string; id: string };
}

/** The newest finished task of the merchant with this cache key: one range of `ix_tasks_user_cache`. */
export const CACHED_RESULT_SQL =
  "SELECT * FROM tasks WHERE user_id = ? AND cache_key = ? AND status = 'done' ORDER BY created_at DESC LIMIT 1";

/**
 * Queries on `tasks` and `task_events`. Every merchant-facing read is scoped by user id;
 * state changes are conditional updates, so a terminal state is never overwritten.
 */
export class TasksRepository {
  /**
   * Inserts the task and answers it as a read of its row would (every column is written here or
   * takes its default, so no read-back is needed: `tasks.integration.test.ts` compares the two).
   */
  async insert(db: Db, task: NewTask, now: Date): Promise<Task> {
    const t = toDbTime(now);
    const typeVersion = await saveTypeVersion(db, task.typeDef);
    const row: TaskRow = {
      id: task.id,
      user_id: task.userId,
      batch_id: task.batchId,
      type: task.type,
      status: task.status,
      input_key: task.inputKey,
      inputs: JSON.stringify(task.inputs),
      type_version: typeVersion,
      params: JSON.stringify(task.params),
      result_keys: task.resultKeys ? JSON.stringify(task.resultKeys) : null,
      vendor_task_id: null,
      n8n_execution_id: null,
      n8n_workflow_id: null,
      progress: task.progress,
      error_code: null,
      error_reason: null,
      error_detail: null,
      deadline_at: toDbTime(task.deadlineAt),
      client_key: task.clientKey,
      cache_key: task.cacheKey,
      hidden: 0,
      favorite: 0,
      dispatched_at: null,
      finished_at: task.status === 'done' ? t : null,
      created_at: t,
      updated_at: t,
      input_name: task.inputName ?? null,
      retry_of: task.retryOf ?? null,
    };
    await db.query(
      `INSERT INTO tasks (id, user_id, batch_id, type, type_version, status, input_key, inputs, params, result_keys, progress,
                          deadline_at, client_key, cache_key, hidden, favorite, finished_at, created_at, updated_at,
                          input_name, retry_of)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.user_id,
        row.batch_id,
        row.type,
        row.type_version,
        row.status,
        row.input_key,
        row.inputs,
        row.params,
        row.result_keys,
        row.progress,
        row.deadline_at,
        row.client_key,
        row.cache_key,
        row.finished_at,
        row.created_at,
        row.updated_at,
        row.input_name,
        row.retry_of,
      ],
    );
    return toTask(row, typeVersionOf(task.typeDef).text);
  }

  /**
   * The newest visible task created to retry each of `ids` (the merchant's own), with its state:
   * a failed task whose retry is done no longer offers Retry.
   */
  async retriesOf(db: Db, userId: string, ids: string[]): Promise<Map<string, { id: string; status: TaskStatus }>> {
    const found = new Map<string, { id: string; status: TaskStatus }>();
    if (!ids.length) return found;
    const list = await rows<{ id: string; status: TaskStatus; retry_of: string }>(
      db,
      `SELECT id, status, retry_of FROM tasks WHERE retry_of IN (${ids.map(() => '?').join(', ')})
          AND user_id = ? AND hidden = 0 ORDER BY created_at, id`,
      [...ids, userId],
    );
    // Later rows win: the newest retry is the one that counts.
    for (const r of list) found.set(r.retry_of, { id: r.id, status: r.status });
    return found;
  }

  async findOwned(db: Db, userId: string, id: string): Promise<Task | null> {
    return first(
      db,
      // GET /tasks/:id, the read clients poll: straight on the driver outside a transaction.
      await readRows<TaskRow>(db, 'SELECT * FROM tasks WHERE id = ? AND user_id = ? AND hidden = 0', [id, userId]),
    );
  }

  /** Internal lookup (callbacks, watchdog, dispatch): not for merchant routes. */
  async findById(db: Db, id: string): Promise<Task | null> {
    return first(db, await rows<TaskRow>(db, 'SELECT * FROM tasks WHERE id = ?', [id]));
  }

  /** The tasks of `ids` in the order given (one statement; an id not found is left out). */
  async findByIds(db: Db, ids: string[]): Promise<Task[]> {
    if (!ids.length) return [];
    const found = await toTasks(
      db,
      await rows<TaskRow>(db, `SELECT * FROM tasks WHERE id IN (${ids.map(() => '?').join(', ')})`, ids),
    );
    const byId = new Map(found.map((t) => [t.id, t]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async findBatch(db: Db, userId: string, batchId: string): Promise<Task[]> {
    return toTasks(
      db,
      await rows<TaskRow>(
        db,
        'SELECT * FROM tasks WHERE batch_id = ? AND user_id = ? AND hidden = 0 ORDER BY created_at, id',
        [batchId, userId],
      ),
    );
  }

  /**
   * Tasks created earlier with the same Idempotency-Key (stored as `<key>#<index>`). Compared
   * exactly, with no pattern syntax: a range on the column narrows the rows (`#` + 1 is `$`),
   * then the prefix is checked byte for byte here, so `_`, `%` or a case-insensitive collation
   * (MySQL's default) can never make one key answer with another key's tasks.
   */
  async findByClientKeyPrefix(db: Db, userId: string, key: string): Promise<Task[]> {
    const candidates = await rows<TaskRow>(
      db,
      'SELECT * FROM tasks WHERE user_id = ? AND client_key >= ? AND client_key < ? ORDER BY created_at, id',
      [userId, `${key}#`, `${key}$`],
    );
    return toTasks(
      db,
      candidates.filter((row) => isClientKeyOf(row.client_key, key)),
    );
  }

  async findCachedResult(db: Db, userId: string, cacheKey: string): Promise<Task | null> {
    return first(db, await rows<TaskRow>(db, CACHED_RESULT_SQL, [userId, cacheKey]));
  }

  /** The merchant's own visible tasks among `ids` (any order); other merchants' ids find nothing. */
  async findManyOwned(db: Db, userId: string, ids: string[]): Promise<Task[]> {
    if (!ids.length) return [];
    return toTasks(
      db,
      await rows<TaskRow>(
        db,
        `SELECT * FROM tasks WHERE user_id = ? AND hidden = 0 AND id IN (${ids.map(() => '?').join(', ')})
        ORDER BY created_at, id`,
        [userId, ...ids],
      ),
    );
  }

  /**
   * The merchant's most recent batches, newest first: the ids of the batches among the newest
   * `limit × 50` visible tasks (a batch has at most 50), read in order from `ix_tasks_user_list`,
   * then their tasks through `ix_tasks_batch`.
   */
  async recentBatches(db: Db, userId: string, limit: number): Promise<Array<{ batchId: string; tasks: Task[] }>> {
    const newest = await rows<{ batch_id: string }>(
      db,
      'SELECT batch_id FROM tasks WHERE user_id = ? AND hidden = 0 ORDER BY created_at DESC, id DESC LIMIT ?',
      [userId, limit * 50],
    );
    const ids = [...new Set(newest.map((r) => r.batch_id))].slice(0, limit);
    if (!ids.length) return [];
    const tasks = await rows<TaskRow>(
      db,
      `SELECT * FROM tasks WHERE batch_id IN (${ids.map(() => '?').join(', ')}) AND user_id = ? AND hidden = 0
        ORDER BY created_at, id`,
      [...ids, userId],
    );
    const mapped = await toTasks(db, tasks);
    return ids.map((batchId) => ({ batchId, tasks: mapped.filter((t) => t.batchId === batchId) }));
  }

  /** Hides the merchant's own visible tasks among `ids`; answers how many it hid. */
  async hideMany(db: Db, userId: string, ids: string[], now: Date): Promise<number> {
    if (!ids.length) return 0;
    return execute(
      db,
      `UPDATE tasks SET hidden = 1, updated_at = ? WHERE user_id = ? AND hidden = 0 AND id IN (${ids.map(() => '?').join(', ')})`,
      [toDbTime(now), userId, ...ids],
    );
  }

  /** A page of the merchant's history, newest first (see listQuery), as the page presents it. */
  async listPage(db: Db, filter: TaskListFilter): Promise<ListedTask[]> {
    const { sql, params } = listQuery(filter);
    // History pages, the other hot read: straight on the driver outside a transaction (one
    // prepared statement per combination of filters on SQLite).
    return toListedTasks(db, await readRows<ListedTaskRow>(db, sql, params));
  }

  /** The same tasks with every column (the console's test runs show what merchants never see). */
  async list(db: Db, filter: TaskListFilter): Promise<Task[]> {
    const { sql, params } = listQuery(filter, '*');
    return toTasks(db, await rows<TaskRow>(db, sql, params));
  }

  /** queued → processing once n8n accepted the dispatch; false when the task moved on meanwhile. */
  async markDispatched(db: Db, id: string, now: Date): Promise<boolean> {
    const t = toDbTime(now);
    return (
      (await execute(
        db,
        "UPDATE tasks SET status = 'processing', dispatched_at = ?, updated_at = ? WHERE id = ? AND status = 'queued'",
        [t, t, id],
      )) === 1
    );
  }

  /**
   * Remembers the n8n execution that reported on the task: the first one to name itself wins
   * (a resent dispatch never starts a second one), whatever state the task is in.
   */
  async recordExecution(db: Db, id: string, executionId: string, workflowId: string | null): Promise<boolean> {
    return (
      (await execute(
        db,
        'UPDATE tasks SET n8n_execution_id = ?, n8n_workflow_id = ? WHERE id = ? AND n8n_execution_id IS NULL',
        [executionId, workflowId, id],
      )) === 1
    );
  }

  /** Progress only moves forward and only while the task is active. */
  async updateProgress(db: Db, id: string, progress: number, vendorTaskId: string | null, now: Date): Promise<boolean> {
    const t = toDbTime(now);
    const changed = await execute(
      db,
      `UPDATE tasks SET status = 'processing', progress = ?, vendor_task_id = COALESCE(?, vendor_task_id), updated_at = ?
        WHERE id = ? AND status IN ('queued', 'processing') AND progress <= ?`,
      [progress, vendorTaskId, t, id, progress],
    );
    return changed === 1;
  }

  async complete(db: Db, id: string, resultKeys: string[], vendorTaskId: string | null, now: Date): Promise<boolean> {
    const t = toDbTime(now);
    const changed = await execute(
      db,
      `UPDATE tasks SET status = 'done', progress = 100, result_keys = ?, vendor_task_id = COALESCE(?, vendor_task_id),
              finished_at = ?, updated_at = ?
        WHERE id = ? AND status IN ('queued', 'processing')`,
      [JSON.stringify(resultKeys), vendorTaskId, t, t, id],
    );
    return changed === 1;
  }

  /** Moves an active task to failed/canceled; false when it was already terminal. */
  async finishUnsuccessfully(
    db: Db,
    id: string,
    status: 'failed' | 'canceled',
    failure: { code: string; reason: string; detail?: string | null },
    now: Date,
  ): Promise<boolean> {
    const t = toDbTime(now);
    const stored = storedFailure(failure);
    const changed = await execute(
      db,
      `UPDATE tasks SET status = ?, error_code = ?, error_reason = ?, error_detail = ?, finished_at = ?, updated_at = ?
        WHERE id = ? AND status IN ('queued', 'processing')`,
      [status, stored.code, stored.reason, failure.detail ?? null, t, t, id],
    );
    return changed === 1;
  }

  async overdue(db: Db, now: Date, limit: number): Promise<Task[]> {
    return toTasks(
      db,
      await rows<TaskRow>(
        db,
        "SELECT * FROM tasks WHERE status IN ('queued', 'processing') AND deadline_at < ? ORDER BY deadline_at LIMIT ?",
        [toDbTime(now), limit],
      ),
    );
  }

  async setFlag(
    db: Db,
    userId: string,
    id: string,
    flag: 'hidden' | 'favorite',
    value: boolean,
    now: Date,
  ): Promise<boolean> {
    return (
      (await execute(db, `UPDATE tasks SET ${flag} = ?, updated_at = ? WHERE id = ? AND user_id = ? AND hidden = 0`, [
        value ? 1 : 0,
        toDbTime(now),
        id,
        userId,
      ])) === 1
    );
  }

  async recordEvent(
    db: Db,
    event: { id: string; taskId: string; event: string; payload: unknown; outcome: 'applied' | 'ignored' },
    now: Date,
  ): Promise<void> {
    await db.query(
      'INSERT INTO task_events (id, task_id, event, payload, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [event.id, event.taskId, event.event, JSON.stringify(event.payload), event.outcome, toDbTime(now)],
    );
  }

  async events(db: Db, taskId: string): Promise<Array<{ event: string; outcome: string; payload: string }>> {
    return rows(db, 'SELECT event, outcome, payload FROM task_events WHERE task_id = ? ORDER BY created_at, id', [
      taskId,
    ]);
  }
}

/**
 * The list statement. The cursor condition is written as a range on `created_at` first
 * (`created_at <= ? AND (created_at < ? OR id < ?)`, the same set as `created_at < ? OR
 * (created_at = ? AND id < ?)`): a top-level OR would make both databases scan the merchant's
 * whole history from the newest row to reach a deep page. A date range is one more bound on the
 * same `created_at` range; the favourites read `ix_tasks_user_favorite` (user, hidden, favorite,
 * created_at, id) the same way. A name search cannot use an index (a substring): it filters the
 * rows of that same ordered range, so it reads at most the merchant's own tasks, newest first.
 */
export function listQuery(filter: TaskListFilter, columns = LISTED_COLUMNS): { sql: string; params: unknown[] } {
  const where = ['user_id = ?', 'hidden = 0'];
  const params: unknown[] = [filter.userId];
  if (filter.type) {
    where.push('type = ?');
    params.push(filter.type);
  }
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.favorite) where.push('favorite = 1');
  if (filter.from) {
    where.push('created_at >= ?');
    params.push(filter.from);
  }
  if (filter.to) {
    where.push('created_at < ?');
    params.push(filter.to);
  }
  if (filter.name) {
    // `%` and `_` typed by the merchant are characters: escaped with `!` (no backslash quirks).
    where.push("input_name LIKE ? ESCAPE '!'");
    params.push(`%${filter.name.replace(/[!%_]/g, (c) => `!${c}`)}%`);
  }
  if (filter.before) {
    where.push('created_at <= ? AND (created_at < ? OR id < ?)');
    params.push(filter.before.createdAt, filter.before.createdAt, filter.before.id);
  }
  params.push(filter.limit);
  return {
    sql: `SELECT ${columns} FROM tasks WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`,
    params,
  };
}

const first = async (db: Db, found: TaskRow[]): Promise<Task | null> =>
  found[0] ? (await toTasks(db, [found[0]]))[0] : null;

/** `<key>#<index>` with exactly this key. */
function isClientKeyOf(clientKey: string | null, key: string): boolean {
  return clientKey !== null && clientKey.startsWith(`${key}#`) && /^\d+$/.test(clientKey.slice(key.length + 1));
}
