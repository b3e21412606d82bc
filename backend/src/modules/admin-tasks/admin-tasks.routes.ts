import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { isoOrNull } from '../../db/time';
import { NotFoundError } from '../../errors/app-error';
import { defineRoute } from '../../http/route';
import { requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { ObjectUrlPort } from '../tasks/task-ports';
import { resultKeysOf } from '../tasks/task-view';
import { AdminTasksRepository, type AdminTaskRow } from './admin-tasks.repository';

const STATUSES = ['queued', 'processing', 'done', 'failed', 'canceled'] as const;

const AdminTask = z
  .object({
    id: z.string(),
    userId: z.string(),
    phone: z.string(),
    batchId: z.string(),
    type: z.string(),
    status: z.enum(STATUSES),
    progress: z.number(),
    params: z.record(z.string(), z.unknown()),
    inputKey: z.string(),
    resultKeys: z.array(z.string()),
    vendorTaskId: z.string().nullable(),
    n8nExecutionId: z.string().nullable(),
    n8nWorkflowId: z.string().nullable(),
    /** The execution in the n8n editor (N8N_EDITOR_URL); null until the flow's first callback names it. */
    n8nExecutionUrl: z.string().nullable(),
    errorCode: z.string().nullable(),
    errorReason: z.string().nullable(),
    /** The failure as n8n reported it (the vendor's code and words, cleaned and capped): staff only. */
    errorDetail: z.string().nullable(),
    deadlineAt: z.string().nullable(),
    createdAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    hidden: z.boolean(),
  })
  .openapi('AdminTask');

const Stats = z
  .object({
    users: z.object({ total: z.number(), members: z.number() }),
    orders: z.object({ total: z.number(), paid: z.number(), revenueFen: z.number() }),
    tasks: z.record(z.string(), z.record(z.string(), z.number())),
    successRate: z.number().nullable(),
    refunds: z.object({ count: z.number(), credits: z.number() }),
    daily: z.array(
      z.object({
        day: z.string(),
        tasks: z.number(),
        failed: z.number(),
        paidOrders: z.number(),
        revenueFen: z.number(),
      }),
    ),
  })
  .openapi('AdminStats');

/** `<editor>/workflow/<workflowId>/executions/<executionId>`, the editor's page of one execution. */
export function executionUrl(
  editorUrl: string | null,
  row: Pick<AdminTaskRow, 'n8n_execution_id' | 'n8n_workflow_id'>,
) {
  if (!editorUrl || !row.n8n_execution_id || !row.n8n_workflow_id) return null;
  return `${editorUrl}/workflow/${encodeURIComponent(row.n8n_workflow_id)}/executions/${encodeURIComponent(row.n8n_execution_id)}`;
}

function toAdminTask(row: AdminTaskRow, editorUrl: string | null) {
  return {
    id: row.id,
    userId: row.user_id,
    phone: row.phone,
    batchId: row.batch_id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    // Operators see the full params (the prompt is never stored on the task; it is rebuilt at dispatch).
    params: JSON.parse(row.params) as Record<string, unknown>,
    inputKey: row.input_key,
    resultKeys: resultKeysOf(row),
    vendorTaskId: row.vendor_task_id,
    n8nExecutionId: row.n8n_execution_id,
    n8nWorkflowId: row.n8n_workflow_id,
    n8nExecutionUrl: executionUrl(editorUrl, row),
    errorCode: row.error_code,
    errorReason: row.error_reason,
    errorDetail: row.error_detail ?? null,
    deadlineAt: isoOrNull(row.deadline_at),
    createdAt: isoOrNull(row.created_at),
    finishedAt: isoOrNull(row.finished_at),
    hidden: Boolean(row.hidden),
  };
}

/** Task monitor (admins and operators) and dashboard statistics (admins). */
export function adminTasksRoutes(ctx: AppContext, deps: { jwt: JwtService; urls: ObjectUrlPort }): Router {
  const router = Router();
  const repo = new AdminTasksRepository();
  const staff = { tags: ['admin'], secured: true, errors: [403] };
  const editorUrl = ctx.config.n8n.editorUrl;

  defineRoute(router, ctx.openapi, {
    ...staff,
    method: 'get',
    path: '/api/v1/admin/console-config',
    summary: 'What the console links to: the n8n editor as configured (N8N_EDITOR_URL, else N8N_BASE_URL)',
    before: [requireAdmin(deps.jwt)],
    response: z.object({ n8nEditorUrl: z.string().nullable() }).openapi('ConsoleConfig'),
    handler: async () => ({ n8nEditorUrl: editorUrl }),
  });

  defineRoute(router, ctx.openapi, {
    ...staff,
    method: 'get',
    path: '/api/v1/admin/tasks',
    summary: 'All tasks with filters (live status)',
    before: [requireAdmin(deps.jwt)],
    query: z.object({
      status: z.enum(STATUSES).optional(),
      type: z.string().max(32).optional(),
      userId: z.string().max(64).optional(),
      phone: z.string().max(20).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    response: z.object({ items: z.array(AdminTask), total: z.number() }),
    handler: async ({ query }) => {
      const page = await repo.list(ctx.db.manager, query);
      return { items: page.items.map((row) => toAdminTask(row, editorUrl)), total: page.total };
    },
  });

  defineRoute(router, ctx.openapi, {
    ...staff,
    method: 'get',
    path: '/api/v1/admin/tasks/:id',
    summary: 'One task with input and result URLs',
    before: [requireAdmin(deps.jwt)],
    params: z.object({ id: z.string().max(64) }),
    errors: [403, 404],
    response: AdminTask.extend({ inputUrl: z.string(), resultUrls: z.array(z.string()) }),
    handler: async ({ params }) => {
      const row = await repo.findById(ctx.db.manager, params.id);
      if (!row) throw new NotFoundError('Task not found', 'TASK_NOT_FOUND');
      const ttl = ctx.config.tasks.resultUrlTtlSeconds;
      return {
        ...toAdminTask(row, editorUrl),
        inputUrl: await deps.urls.signedUrl(row.input_key, ttl),
        resultUrls: await Promise.all(resultKeysOf(row).map((k) => deps.urls.signedUrl(k, ttl))),
      };
    },
  });

  defineRoute(router, ctx.openapi, {
    ...staff,
    method: 'get',
    path: '/api/v1/admin/stats',
    summary: 'Dashboard: users, members, revenue, tasks by type and status, success rate, refunds, daily series',
    before: [requireAdmin(deps.jwt, 'admin')],
    query: z.object({ days: z.coerce.number().int().min(1).max(90).default(14) }),
    response: Stats,
    handler: async ({ query }) => {
      const s = await repo.stats(ctx.db.manager, new Date(), query.days);
      const finished = Object.values(s.tasks).reduce(
        (acc, by) => ({ done: acc.done + (by.done ?? 0), failed: acc.failed + (by.failed ?? 0) }),
        { done: 0, failed: 0 },
      );
      const total = finished.done + finished.failed;
      return { ...s, successRate: total ? finished.done / total : null };
    },
  });
  return router;
}
