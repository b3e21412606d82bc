import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { currentUser, requireUser, type ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { WEBHOOK_EVENTS, type EndpointScope, type WebhooksService } from './webhooks.service';

const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    apiKeyPrefix: z.string().nullable().openapi({
      description: 'Prefix of the API key that registered it (such as an n8n trigger); null when made in the portal',
    }),
    createdAt: z.string(),
  })
  .openapi('WebhookEndpoint');
const CreatedEndpoint = EndpointSchema.extend({
  secret: z.string().openapi({
    description:
      'Standard Webhooks secret (whsec_…) that signs every delivery (webhook-signature); shown only in this answer',
  }),
}).openapi('CreatedWebhookEndpoint');
const DeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    type: z.string(),
    taskId: z.string().nullable(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('WebhookDelivery');
const CreateBody = z
  .object({
    url: z.string().max(512),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional().openapi({ description: 'Default: every task event' }),
  })
  .openapi('CreateWebhookEndpoint');
const IdParams = z.object({ id: z.string().min(1).max(64) });

/**
 * The endpoints a request may touch: the portal sign-in reaches all of the merchant's, an API key
 * only those it registered itself (what an n8n trigger needs to register and remove its own),
 * so a leaked key can neither see nor redirect the merchant's other webhooks.
 */
function scopeOf(req: Request): EndpointScope {
  const user = currentUser(req);
  return { userId: user.id, apiKeyId: user.apiKeyId };
}

/** Merchant routes for webhook endpoints and their delivery log (portal sign-in or an API key, scoped). */
export function webhooksRoutes(
  ctx: AppContext,
  deps: { jwt: JwtService; apiKeys: ApiKeyResolver; service: WebhooksService },
  router: Router = Router(),
): Router {
  const common = { tags: ['automation'], secured: true, before: [requireUser(deps.jwt, deps.apiKeys)] };
  const { service } = deps;

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/webhooks',
    summary: 'Register a webhook endpoint (the signing secret is shown once); an API key owns what it registers',
    body: CreateBody,
    status: 201,
    response: CreatedEndpoint,
    errors: [409],
    handler: ({ body, req }) => service.create(scopeOf(req), body),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/webhooks',
    summary: 'Own webhook endpoints (never the secret); an API key sees only those it registered',
    response: z.object({ items: z.array(EndpointSchema) }).openapi('WebhookEndpointList'),
    handler: async ({ req }) => ({ items: await service.list(scopeOf(req)) }),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/webhooks/:id',
    summary: 'One own webhook endpoint (never the secret)',
    params: IdParams,
    response: EndpointSchema,
    errors: [404],
    handler: ({ params, req }) => service.get(scopeOf(req), params.id),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'delete',
    path: '/api/v1/webhooks/:id',
    summary: 'Remove a webhook endpoint and its delivery log',
    params: IdParams,
    status: 204,
    errors: [404],
    handler: async ({ params, req, res }) => {
      await service.remove(scopeOf(req), params.id);
      res.status(204).end();
    },
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/webhooks/:id/test',
    summary: 'Send a signed ping now and answer how it went (not retried)',
    params: IdParams,
    response: DeliverySchema,
    errors: [404],
    handler: ({ params, req }) => service.ping(scopeOf(req), params.id),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/webhooks/:id/deliveries',
    summary: 'Delivery log of an endpoint, newest first',
    params: IdParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
    errors: [404],
    response: z.object({ items: z.array(DeliverySchema) }).openapi('WebhookDeliveryList'),
    handler: async ({ params, query, req }) => ({
      items: await service.deliveriesOf(scopeOf(req), params.id, query.limit),
    }),
  });
  return router;
}
