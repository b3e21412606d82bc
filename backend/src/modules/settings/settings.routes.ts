import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { SettingsService } from './settings.service';

const Setting = z
  .object({
    key: z.string(),
    value: z.number(),
    defaultValue: z.number(),
    overridden: z.boolean(),
    description: z.string(),
  })
  .openapi('Setting');

/** Runtime settings of the admin console (admins only). */
export function settingsRoutes(ctx: AppContext, deps: { jwt: JwtService; settings: SettingsService }): Router {
  const router = Router();
  const common = { tags: ['admin'], secured: true, before: [requireAdmin(deps.jwt, 'admin')], errors: [403] };
  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/admin/settings',
    summary: 'Runtime settings with their env defaults',
    response: z.object({ items: z.array(Setting) }),
    handler: async () => ({ items: await deps.settings.list() }),
  });
  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'put',
    path: '/api/v1/admin/settings/:key',
    summary: 'Change one setting (null resets it to the env default)',
    params: z.object({ key: z.string().max(64) }),
    body: z.object({ value: z.union([z.number(), z.string(), z.null()]) }),
    response: Setting,
    errors: [403, 404],
    handler: async ({ params, body }) => deps.settings.set(params.key, body.value),
  });
  return router;
}
