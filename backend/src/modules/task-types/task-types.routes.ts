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

const KeyParams = z.object({ key: z.string().min(1).max(32) });

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
export function adminTaskTypeRoutes(ctx: AppContext, deps: { jwt: JwtService; types: TaskTypesService }): Router {
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
  return router;
}
