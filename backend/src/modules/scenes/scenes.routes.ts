import { Router } from 'express';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import {
  AdminSceneListSchema,
  AdminSceneQuerySchema,
  AdminSceneSchema,
  CreateSceneSchema,
  PublicCatalogSchema,
  SceneIdParamsSchema,
  UpdateSceneSchema,
} from './scenes.schemas';
import type { ScenesService } from './scenes.service';

/** Public catalog for the portal and scenes CRUD for the admin console (admin and operator roles). */
export function scenesRoutes(ctx: AppContext, deps: { scenes: ScenesService; jwt: JwtService }): Router {
  const { scenes, jwt } = deps;
  const router = Router();
  const admin = [requireAdmin(jwt, 'admin', 'operator')];

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/scenes',
    summary: 'Active scenes and garment categories (no prompt text)',
    tags: ['scenes'],
    response: PublicCatalogSchema,
    handler: () => scenes.publicCatalog(),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/admin/scenes',
    summary: 'All scenes and categories with their prompt fragments',
    tags: ['admin'],
    before: admin,
    secured: true,
    query: AdminSceneQuerySchema,
    response: AdminSceneListSchema,
    errors: [403],
    handler: async ({ query }) => ({ items: await scenes.listForAdmin(query.category) }),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/admin/scenes/:id',
    summary: 'One scene or category',
    tags: ['admin'],
    before: admin,
    secured: true,
    params: SceneIdParamsSchema,
    response: AdminSceneSchema,
    errors: [403, 404],
    handler: ({ params }) => scenes.getForAdmin(params.id),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/admin/scenes',
    summary: 'Add a scene or garment category',
    tags: ['admin'],
    before: admin,
    secured: true,
    body: CreateSceneSchema,
    status: 201,
    response: AdminSceneSchema,
    errors: [403, 409],
    handler: ({ body }) => scenes.create(body),
  });

  defineRoute(router, ctx.openapi, {
    method: 'patch',
    path: '/api/v1/admin/scenes/:id',
    summary: 'Edit name, prompt fragment, thumbnail, order or activity',
    tags: ['admin'],
    before: admin,
    secured: true,
    params: SceneIdParamsSchema,
    body: UpdateSceneSchema,
    response: AdminSceneSchema,
    errors: [403, 404],
    handler: ({ params, body }) => scenes.update(params.id, body),
  });

  defineRoute(router, ctx.openapi, {
    method: 'delete',
    path: '/api/v1/admin/scenes/:id',
    summary: 'Delete a scene or category (tasks keep its code)',
    tags: ['admin'],
    before: admin,
    secured: true,
    params: SceneIdParamsSchema,
    status: 204,
    errors: [403, 404],
    handler: async ({ params, res }) => {
      await scenes.remove(params.id);
      res.status(204).end();
    },
  });

  return router;
}
