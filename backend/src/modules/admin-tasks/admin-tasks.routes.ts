import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { ADMIN_TASK_STATUSES as STATUSES, type AdminTasksService } from './admin-tasks.service';

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
    inputName: z
      .string()
      .nullable()
      .openapi({ example: '白T恤.jpg', description: "the upload's original file name (null when unknown)" }),
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

/** Task monitor (admins and operators) and dashboard statistics (admins); the work is AdminTasksService's. */
export function adminTasksRoutes(ctx: AppContext, deps: { jwt: JwtService; service: AdminTasksService }): Router {
  const router = Router();
  const { service } = deps;
  const staff = { tags: ['admin'], secured: true, errors: [403] };

  defineRoute(router, ctx.openapi, {
    ...staff,
    method: 'get',
    path: '/api/v1/admin/console-config',
    summary: 'What the console links to: the n8n editor as configured (N8N_EDITOR_URL, else N8N_BASE_URL)',
    before: [requireAdmin(deps.jwt)],
    response: z.object({ n8nEditorUrl: z.string().nullable() }).openapi('ConsoleConfig'),
    handler: async () => service.consoleConfig(),
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
    handler: ({ query }) => service.list(query),
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
    handler: ({ params }) => service.get(params.id),
  });

  defineRoute(router, ctx.openapi, {
    ...staff,
    method: 'get',
    path: '/api/v1/admin/stats',
    summary: 'Dashboard: users, members, revenue, tasks by type and status, success rate, refunds, daily series',
    before: [requireAdmin(deps.jwt, 'admin')],
    query: z.object({ days: z.coerce.number().int().min(1).max(90).default(14) }),
    response: Stats,
    handler: ({ query }) => service.stats(query.days),
  });
  return router;
}
