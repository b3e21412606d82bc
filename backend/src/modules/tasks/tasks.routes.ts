import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { ConflictError, ValidationError } from '../../errors/app-error';
import { defineRoute } from '../../http/route';
import { currentUser } from '../auth/auth.middleware';
import { verifySignedMessage } from '../n8n/signed-message';
import type { ObjectUrlPort } from './task-ports';
import type { TaskTypesService } from '../task-types/task-types.service';
import { publicTaskTypeRoutes } from '../task-types/task-types.routes';
import { CallbackSchema, type TaskSettlement } from './task-settlement.service';
import { resultZipEntries, zipFileName, type NamedTask } from './result-names';
import { TaskAnswerCache } from './task-answers';
import { TaskSchema, resultKeysOf, toTaskDto } from './task-view';
import type { TasksService } from './tasks.service';
import type { ListedTask, Task } from './tasks.repository';

const CreateTasksBody = z
  .object({
    type: z.string().max(32).openapi({ example: 'basic_clean', description: 'a key of GET /api/v1/task-types' }),
    inputKey: z.string().min(1).max(255).optional(),
    inputKeys: z
      .array(z.string().min(1).max(255))
      .min(1)
      .max(50)
      .optional()
      .openapi({ description: "one task per key, in the type's first input slot" }),
    inputs: z
      .record(z.string().max(32), z.string().min(1).max(255))
      .optional()
      .openapi({
        description:
          'slot name → upload key (a task id for `task` slots); slots after the first are shared by the batch',
        example: { model: 'input/…/model.jpg' },
      }),
    params: z.record(z.string(), z.unknown()).default({}),
    retryOf: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: 'an own failed task this request retries (it then stops offering Retry)' }),
  })
  .refine((b) => b.inputKey === undefined || b.inputKeys === undefined, {
    message: 'give inputKey or inputKeys (1–50), not both',
  })
  .refine((b) => b.inputKey !== undefined || b.inputKeys !== undefined || b.inputs !== undefined, {
    message: 'give inputKey, inputKeys (1–50) or inputs',
  })
  .openapi('CreateTasks');

const Batch = z.object({ batchId: z.string(), tasks: z.array(TaskSchema) }).openapi('TaskBatch');
const IdParams = z.object({ id: z.string().min(1).max(64) });
const ListQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  type: z.string().max(32).optional(),
  status: z.enum(['queued', 'processing', 'done', 'failed', 'canceled']).optional(),
  favorite: z.enum(['true', 'false']).optional().openapi({ description: 'true: only the favourites' }),
  from: z
    .string()
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'created at or after this instant (ISO 8601)' }),
  to: z
    .string()
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'created before this instant (ISO 8601)' }),
  q: z.string().max(100).optional().openapi({ description: "part of the uploaded photo's original file name" }),
});
/** Most tasks one bulk request names (a history page holds far fewer). */
export const MAX_BULK_IDS = 100;
const BulkIds = z
  .object({ ids: z.array(z.string().min(1).max(64)).min(1).max(MAX_BULK_IDS) })
  .openapi('TaskIds', { description: `1–${MAX_BULK_IDS} task ids; ids that are not the caller's are ignored` });
const RecentBatchesQuery = z.object({ limit: z.coerce.number().int().min(1).max(10).default(3) });
const IDEMPOTENCY_KEY = /^[\w.:-]{1,100}$/;

export interface TaskRouteDeps {
  service: TasksService;
  settlement: TaskSettlement;
  urls: ObjectUrlPort;
  requireUser: RequestHandler;
  types: TaskTypesService;
  /** Streams a ZIP of stored objects (media module). */
  zip?: (
    res: Parameters<RequestHandler>[1],
    fileName: string,
    entries: Array<{ name: string; key: string }>,
  ) => Promise<void>;
}

/** Merchant task routes and the signed n8n callback. */
export function tasksRoutes(ctx: AppContext, deps: TaskRouteDeps): Router {
  const router = Router();
  router.use(publicTaskTypeRoutes(ctx, deps.types));
  const { service } = deps;
  const ttl = ctx.config.tasks.resultUrlTtlSeconds;
  /** Task answers, with the newest retry of each failed one (one query for the lot). */
  const dtos = async (userId: string, rows: ListedTask[]) => {
    const failed = rows.filter((r) => r.status === 'failed').map((r) => r.id);
    const retries = await service.retriesOf(userId, failed);
    return rows.map((row) => toTaskDto(row, deps.urls, ttl, retries.get(row.id) ?? null));
  };
  const dto = async (userId: string, row: Task) => (await dtos(userId, [row]))[0];
  /** History pages: each task's answer kept as JSON text while nothing it is made of changed. */
  const answers = new TaskAnswerCache(deps.urls);
  const common = { tags: ['tasks'], secured: true, before: [deps.requireUser] };

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/tasks',
    summary: 'Create one task per input image (batch 1–50); Idempotency-Key header supported',
    body: CreateTasksBody,
    status: 201,
    response: Batch,
    errors: [402, 404],
    handler: async ({ body, req, res }) => {
      const key = req.header('Idempotency-Key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
        throw new ValidationError('Idempotency-Key: 1–100 characters of letters, digits, . : _ -');
      const batch = await service.create(currentUser(req).id, {
        type: body.type,
        inputKeys: body.inputKeys ?? (body.inputKey !== undefined ? [body.inputKey] : undefined),
        inputs: body.inputs,
        params: body.params,
        idempotencyKey: key,
        retryOf: body.retryOf,
      });
      if (!batch.created) res.setHeader('Idempotent-Replayed', 'true');
      return { batchId: batch.batchId, tasks: await dtos(currentUser(req).id, batch.tasks) };
    },
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/tasks',
    summary: 'Own tasks, newest first, cursor paging',
    query: ListQuery,
    response: z.object({ items: z.array(TaskSchema), nextCursor: z.string().nullable() }).openapi('TaskPage'),
    // The history's pages (first and "load more") are the other hot read: answered before
    // Express's router, with the same handlers (http/hot-routes.ts).
    hot: true,
    handler: async ({ query, req, res }) => {
      const userId = currentUser(req).id;
      const page = await service.list(userId, {
        ...query,
        favorite: query.favorite === 'true',
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        name: query.q,
      });
      const failed = page.items.filter((r) => r.status === 'failed').map((r) => r.id);
      const retries = await service.retriesOf(userId, failed);
      // The same text `res.json({ items, nextCursor })` would send, joined from kept answers.
      answerJsonText(req, res, answers.page(userId, page.items, ttl, retries, page.nextCursor));
    },
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/tasks/hide',
    summary: 'Hide many own tasks from the history at once (the ledger keeps their entries)',
    body: BulkIds,
    response: z.object({ hidden: z.number().int() }).openapi('HiddenCount'),
    handler: async ({ body, req }) => ({ hidden: await service.hideMany(currentUser(req).id, body.ids) }),
  });

  /** A route on one own task (`:id`) that answers with the task as `act` left it. */
  const oneTaskRoute = (
    route: { method: 'get' | 'post'; path: string; summary: string; errors: number[]; hot?: boolean },
    act: (userId: string, id: string) => Promise<Task>,
  ) =>
    defineRoute(router, ctx.openapi, {
      ...common,
      ...route,
      params: IdParams,
      response: TaskSchema,
      handler: async ({ params, req }) => {
        const userId = currentUser(req).id;
        return dto(userId, await act(userId, params.id));
      },
    });

  oneTaskRoute(
    {
      method: 'get',
      path: '/api/v1/tasks/:id',
      summary: 'One task with signed result URLs (database only, never a vendor call)',
      errors: [404],
      // The hottest read (clients poll it): answered before Express's router (http/hot-routes.ts).
      hot: true,
    },
    (userId, id) => service.get(userId, id),
  );

  oneTaskRoute(
    {
      method: 'post',
      path: '/api/v1/tasks/:id/cancel',
      summary: 'Cancel an unfinished task and refund its credit',
      errors: [404, 409],
    },
    (userId, id) => service.cancel(userId, id),
  );

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'delete',
    path: '/api/v1/tasks/:id',
    summary: 'Hide a task from the history (the ledger keeps its entries)',
    params: IdParams,
    status: 204,
    errors: [404],
    handler: async ({ params, req, res }) => {
      await service.hide(currentUser(req).id, params.id);
      res.status(204).end();
    },
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/tasks/:id/favorite',
    summary: 'Mark or unmark a task as favorite',
    params: IdParams,
    body: z.object({ favorite: z.boolean().default(true) }),
    response: TaskSchema,
    errors: [404],
    handler: async ({ params, body, req }) =>
      dto(currentUser(req).id, await service.favorite(currentUser(req).id, params.id, body.favorite)),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/batches',
    summary: "The merchant's most recent batches, newest first (the workspace after a reload)",
    query: RecentBatchesQuery,
    response: z.object({ items: z.array(Batch) }).openapi('RecentBatches'),
    handler: async ({ query, req }) => {
      const batches = await service.recentBatches(currentUser(req).id, query.limit);
      return {
        items: await Promise.all(
          batches.map(async (b) => ({ batchId: b.batchId, tasks: await dtos(currentUser(req).id, b.tasks) })),
        ),
      };
    },
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/batches/:id',
    summary: 'The tasks of one batch',
    params: IdParams,
    response: Batch,
    errors: [404],
    handler: async ({ params, req }) => {
      const tasks = await service.batch(currentUser(req).id, params.id);
      return { batchId: params.id, tasks: await dtos(currentUser(req).id, tasks) };
    },
  });

  if (deps.zip) {
    const zip = deps.zip;
    defineRoute(router, ctx.openapi, {
      ...common,
      method: 'get',
      path: '/api/v1/tasks/:id/download',
      summary: 'ZIP of the task results (409 TASK_NOT_DONE unless the task is done)',
      params: IdParams,
      errors: [404, 409],
      handler: async ({ params, req, res }) => {
        const task = await service.get(currentUser(req).id, params.id);
        // An empty archive would look like a finished task without images: say why there is none.
        if (task.status !== 'done') {
          throw new ConflictError(
            `The task is ${task.status}; only a done task has results to download`,
            'TASK_NOT_DONE',
          );
        }
        await zip(res, zipFileName([namedTask(task)]), zipEntries([task]));
      },
    });
    defineRoute(router, ctx.openapi, {
      ...common,
      method: 'post',
      path: '/api/v1/tasks/download',
      summary: "ZIP of the results of many own finished tasks (named after their uploads); others' ids are left out",
      body: BulkIds,
      errors: [404, 409],
      handler: async ({ body, req, res }) => {
        const tasks = await service.doneOwned(currentUser(req).id, body.ids);
        await zip(res, zipFileName(tasks.map(namedTask)), zipEntries(tasks));
      },
    });
    defineRoute(router, ctx.openapi, {
      ...common,
      method: 'get',
      path: '/api/v1/batches/:id/download',
      summary: 'ZIP of every finished task of a batch',
      params: IdParams,
      errors: [404],
      handler: async ({ params, req, res }) => {
        const tasks = await service.batch(currentUser(req).id, params.id);
        const done = tasks.filter((t) => t.status === 'done');
        await zip(res, zipFileName((done.length ? done : tasks).map(namedTask)), zipEntries(tasks));
      },
    });
  }

  /**
   * Verifies the signed-message headers over the raw body as a message from n8n (label
   * `aiphoto-callback-v2`, docs/architecture.md §6): a dispatch's signature never passes. The
   * unlabelled v1 form only where `acceptLegacy` (callbacks, deprecated: nodes older than this
   * backend, for one release). 401 otherwise.
   */
  const signedByN8n =
    (acceptLegacy: boolean): RequestHandler =>
    (req, _res, next) => {
      const rawBody = (req as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
      const { sharedSecret } = ctx.config.n8n;
      verifySignedMessage({
        secret: sharedSecret,
        purpose: 'callback',
        rawBody,
        headers: req.headers,
        kv: ctx.kv,
        acceptLegacy,
      }).then(
        (version) => {
          if (version === 'v1')
            ctx.logger.warn(
              { path: req.path },
              'n8n signed with the deprecated unlabelled v1 scheme: update the n8n-nodes-aiphoto package',
            );
          next();
        },
        (err: unknown) => {
          ctx.metrics.callbacks.inc({ event: 'unknown', outcome: 'rejected' });
          next(err);
        },
      );
    };

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/internal/n8n/ping',
    summary:
      'Signed no-op for the n8n "AI Photo Backend API" credential test: 200 only when the shared secret matches (docs/architecture.md §6)',
    tags: ['internal'],
    response: z.object({ ok: z.literal(true) }),
    errors: [401],
    before: [signedByN8n(false)],
    handler: async () => ({ ok: true as const }),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/internal/n8n/callback',
    summary: 'Signed progress/done/failed events from n8n (docs/architecture.md §6)',
    tags: ['internal'],
    body: CallbackSchema,
    response: z.object({
      ok: z.literal(true),
      applied: z.boolean(),
      status: z.enum(['queued', 'processing', 'done', 'failed', 'canceled']).optional(),
    }),
    before: [signedByN8n(true)],
    handler: async ({ body }) => {
      const { applied, status } = await deps.settlement.applyCallback(body);
      return { ok: true as const, applied, ...(status ? { status } : {}) };
    },
  });
  return router;
}

/**
 * Sends JSON text as `res.status(200).json(value)` would send `value` serialised to it: written
 * directly in the usual case, the same headers set once, as http/route.ts answers a route's
 * value; HEAD and conditional requests go through Express's `send`, which answers those.
 */
function answerJsonText(req: Request, res: Response, text: string): void {
  if (
    req.method === 'HEAD' ||
    req.headers['if-none-match'] !== undefined ||
    req.headers['if-modified-since'] !== undefined ||
    res.hasHeader('Content-Type')
  ) {
    if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json');
    res.status(200).send(text);
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** A row as the naming rule (result-names.ts) sees it; results only of a done task. */
export function namedTask(row: Task): NamedTask {
  return {
    id: row.id,
    type: row.type,
    inputName: row.inputName ?? null,
    resultKeys: row.status === 'done' ? resultKeysOf(row) : [],
  };
}

/** Every done task's results under the names the merchant knows (`<upload name>_main.jpg` …). */
function zipEntries(tasks: Task[]): Array<{ name: string; key: string }> {
  return resultZipEntries(tasks.map(namedTask));
}
