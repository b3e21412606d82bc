import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { AppError } from '../../errors/app-error';
import { defineRoute } from '../../http/route';
import { apiKeyOf, currentUser, requireUser } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { ApiKeysService } from './api-keys.service';

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('ApiKey');
const CreatedApiKey = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The full key; shown only in this answer' }),
}).openapi('CreatedApiKey');
const IdParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Managing keys and webhooks needs the merchant's own sign-in: a leaked API key must not be
 * able to mint more keys or point webhooks elsewhere. 403 says why, rather than a bare 401.
 */
export function refuseApiKeys(): RequestHandler {
  return (req, _res, next) => {
    if (apiKeyOf(req))
      return next(
        new AppError(403, 'API_KEY_NOT_ALLOWED', 'API keys cannot manage API keys or webhooks; sign in to the portal'),
      );
    next();
  };
}

/** Merchant routes for their API keys (JWT only). */
export function apiKeysRoutes(
  ctx: AppContext,
  deps: { jwt: JwtService; service: ApiKeysService },
  router: Router = Router(),
): Router {
  const common = {
    tags: ['automation'],
    secured: true,
    before: [refuseApiKeys(), requireUser(deps.jwt)],
    errors: [403],
  };

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/api-keys',
    summary: 'Create an API key (the full key is shown once)',
    body: z.object({ name: z.string().trim().min(1).max(64) }),
    status: 201,
    response: CreatedApiKey,
    errors: [403, 409],
    handler: ({ body, req }) => deps.service.create(currentUser(req).id, body.name),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/api-keys',
    summary: 'Own API keys (never the secret part)',
    response: z.object({ items: z.array(ApiKeySchema) }).openapi('ApiKeyList'),
    handler: async ({ req }) => ({ items: await deps.service.list(currentUser(req).id) }),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'delete',
    path: '/api/v1/api-keys/:id',
    summary: 'Revoke an API key (effective on the next request)',
    params: IdParams,
    status: 204,
    errors: [403, 404],
    handler: async ({ params, req, res }) => {
      await deps.service.revoke(currentUser(req).id, params.id);
      res.status(204).end();
    },
  });
  return router;
}
