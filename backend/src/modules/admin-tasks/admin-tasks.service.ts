import type { DataSource } from 'typeorm';
import { isoOrNull } from '../../db/time';
import { NotFoundError } from '../../errors/app-error';
import type { ObjectUrlPort } from '../tasks/task-ports';
import { resultKeysOf } from '../tasks/task-view';
import type { AdminTaskFilter, AdminTask, AdminTasksRepository } from './admin-tasks.repository';

export const ADMIN_TASK_STATUSES = ['queued', 'processing', 'done', 'failed', 'canceled'] as const;

export interface AdminTasksServiceDeps {
  db: DataSource;
  repository: AdminTasksRepository;
  urls: ObjectUrlPort;
  /** The n8n editor the console links executions to (N8N_EDITOR_URL, else N8N_BASE_URL); null: no links. */
  editorUrl: string | null;
  resultUrlTtlSeconds: number;
  now?: () => Date;
}

/** `<editor>/workflow/<workflowId>/executions/<executionId>`, the editor's page of one execution. */
export function executionUrl(editorUrl: string | null, row: Pick<AdminTask, 'n8nExecutionId' | 'n8nWorkflowId'>) {
  if (!editorUrl || !row.n8nExecutionId || !row.n8nWorkflowId) return null;
  return `${editorUrl}/workflow/${encodeURIComponent(row.n8nWorkflowId)}/executions/${encodeURIComponent(row.n8nExecutionId)}`;
}

export function toAdminTask(row: AdminTask, editorUrl: string | null) {
  return {
    id: row.id,
    userId: row.userId,
    phone: row.phone,
    batchId: row.batchId,
    type: row.type,
    status: row.status,
    progress: row.progress,
    // Operators see the full params (the prompt is never stored on the task; it is rebuilt at dispatch).
    params: JSON.parse(row.params) as Record<string, unknown>,
    inputKey: row.inputKey,
    inputName: row.inputName ?? null,
    resultKeys: resultKeysOf(row),
    vendorTaskId: row.vendorTaskId,
    n8nExecutionId: row.n8nExecutionId,
    n8nWorkflowId: row.n8nWorkflowId,
    n8nExecutionUrl: executionUrl(editorUrl, row),
    errorCode: row.errorCode,
    errorReason: row.errorReason,
    errorDetail: row.errorDetail ?? null,
    deadlineAt: isoOrNull(row.deadlineAt),
    createdAt: isoOrNull(row.createdAt),
    finishedAt: isoOrNull(row.finishedAt),
    hidden: Boolean(row.hidden),
  };
}

/** What the console's task monitor and dashboard read: every merchant's tasks, for staff only. */
export class AdminTasksService {
  private readonly now: () => Date;

  constructor(private readonly deps: AdminTasksServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  consoleConfig() {
    return { n8nEditorUrl: this.deps.editorUrl };
  }

  async list(filter: AdminTaskFilter) {
    const page = await this.deps.repository.list(this.deps.db.manager, filter);
    return { items: page.items.map((row) => toAdminTask(row, this.deps.editorUrl)), total: page.total };
  }

  /** One task with freshly signed input and result URLs; 404 TASK_NOT_FOUND. */
  async get(id: string) {
    const row = await this.deps.repository.findById(this.deps.db.manager, id);
    if (!row) throw new NotFoundError('Task not found', 'TASK_NOT_FOUND');
    const { urls, resultUrlTtlSeconds: ttl } = this.deps;
    return {
      ...toAdminTask(row, this.deps.editorUrl),
      inputUrl: await urls.signedUrl(row.inputKey, ttl),
      resultUrls: await Promise.all(resultKeysOf(row).map((k) => urls.signedUrl(k, ttl))),
    };
  }

  /** The dashboard over the last `days`, with the success rate of finished tasks (null before any). */
  async stats(days: number) {
    const s = await this.deps.repository.stats(this.deps.db.manager, this.now(), days);
    const finished = Object.values(s.tasks).reduce(
      (acc, by) => ({ done: acc.done + (by.done ?? 0), failed: acc.failed + (by.failed ?? 0) }),
      { done: 0, failed: 0 },
    );
    const total = finished.done + finished.failed;
    return { ...s, successRate: total ? finished.done / total : null };
  }
}
