import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import {
  AdminTaskTypeSchema,
  CreateTaskTypeSchema,
  PublicTaskTypeSchema,
  UpdateTaskTypeSchema,
} from './task-type.schema';
import type { TaskTypesService } from './task-types.service';
import { StartTestRunSchema, TestRunSchema, type TestRunsService } from './test-runs.service';
import { ValidationError } from '../../errors/app-error';
import type { ConcurrencyGate } from '../../infra/concurrency-gate';

const KeyParams = z.object({ key: z.string().min(1).max(32) });
const RunParams = KeyParams.extend({ id: z.string().min(1).max(36) });

const TestUploadResponse = z
  .object({
    key: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    size: z.number().int(),
    mime: z.string(),
  })
  .openapi('TestUpload');

/** Console test runs: the service, and the upload limits shared with merchant uploads. */
export interface TestRunRouteDeps {
  service: TestRunsService;
  uploadMaxBytes: number;
  slots: ConcurrencyGate;
}

/** `GET /api/v1/task-types` (public: the portal's create form, merchant automation's options). */
export function publicTaskTypeRoutes(ctx: AppContext, types: TaskTypesService): Router {
  const router = Router();
  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/task-types',
    summary: 'Enabled task types: names, inputs, parameters, credits and outputs (no workflow internals)',
    tags: ['tasks'],
    response: z.object({ items: z.array(PublicTaskTypeSchema) }).openapi('TaskTypeList'),
    handler: async () => ({ items: await types.listPublic() }),
  });
  return router;
}

/** The console's task-type management (admins only). */
export function adminTaskTypeRoutes(
  ctx: AppContext,
  deps: { jwt: JwtService; types: TaskTypesService; testRuns?: TestRunRouteDeps },
): Router {
  const router = Router();
  const { types } = deps;
  const admin = { tags: ['admin'], secured: true, before: [requireAdmin(deps.jwt, 'admin')] };
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/task-types',
    summary: 'Every task type, disabled ones included, with workflow path, deadline and prompt template',
    response: z.object({ items: z.array(AdminTaskTypeSchema) }),
    errors: [403],
    handler: async () => ({ items: await types.listAdmin() }),
  });
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/task-types/:key',
    summary: 'One task type',
    params: KeyParams,
    response: AdminTaskTypeSchema,
    errors: [403, 404],
    handler: ({ params }) => types.getAdmin(params.key),
  });
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'post',
    path: '/api/v1/admin/task-types',
    summary: 'Register a task type (its workflow must exist in n8n under webhookPath)',
    body: CreateTaskTypeSchema,
    status: 201,
    response: AdminTaskTypeSchema,
    errors: [403, 409],
    handler: ({ body }) => types.create(body),
  });
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'patch',
    path: '/api/v1/admin/task-types/:key',
    summary: 'Change a task type (tasks already created keep the definition they were made with)',
    params: KeyParams,
    body: UpdateTaskTypeSchema,
    response: AdminTaskTypeSchema,
    errors: [403, 404],
    handler: ({ params, body }) => types.update(params.key, body),
  });
  const runs = deps.testRuns;
  if (!runs) return router;
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'post',
    path: '/api/v1/admin/task-types/test-uploads',
    summary: 'Upload a sample image for test runs (multipart field "file"; stored for the system test account)',
    upload: { field: 'file', maxBytes: runs.uploadMaxBytes, slots: runs.slots },
    status: 201,
    response: TestUploadResponse,
    errors: [403, 413, 415],
    handler: async ({ req }) => {
      if (!req.file) throw new ValidationError('Upload an image in the multipart field "file"');
      return runs.service.upload(req.file.buffer);
    },
  });
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'post',
    path: '/api/v1/admin/task-types/:key/test-runs',
    summary:
      "Send sample images through the type's workflow (enabled or not) as a task of the system test account; charges no one",
    params: KeyParams,
    body: StartTestRunSchema,
    status: 201,
    response: TestRunSchema,
    errors: [403, 404],
    handler: ({ params, body }) => runs.service.start(params.key, body),
  });
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/task-types/:key/test-runs',
    summary: "The type's latest test runs (newest first) with their outcome",
    params: KeyParams,
    response: z.object({ items: z.array(TestRunSchema) }),
    errors: [403, 404],
    handler: async ({ params }) => ({ items: await runs.service.recent(params.key) }),
  });
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/task-types/:key/test-runs/:id',
    summary: 'One test run: status, result images (signed URLs), error code and the reported detail',
    params: RunParams,
    response: TestRunSchema,
    errors: [403, 404],
    handler: ({ params }) => runs.service.get(params.key, params.id),
  });
  return router;
}
