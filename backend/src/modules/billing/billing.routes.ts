import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { currentUser, requireUser, type ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { MyLedgerPage, MyOrdersPage, PageQuery, Receipt } from './billing.schemas';
import type { BillingService } from './billing.service';

/** `GET /api/v1/me/orders`, `/me/orders/:id` (receipt), `/me/ledger`: the merchant's own bills. */
export function billingRoutes(
  ctx: AppContext,
  deps: { jwt: JwtService; apiKeys?: ApiKeyResolver; billing: BillingService },
): Router {
  const router = Router();
  const common = { tags: ['billing'], before: [requireUser(deps.jwt, deps.apiKeys)], secured: true };

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/me/orders',
    summary: 'My orders, newest first (paged)',
    query: PageQuery,
    response: MyOrdersPage,
    handler: async ({ req, query }) => ({
      ...(await deps.billing.orderPage(currentUser(req).id, query.page, query.pageSize)),
      page: query.page,
      pageSize: query.pageSize,
    }),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/me/orders/:id',
    summary: 'One of my orders as a receipt (trade numbers, what was bought)',
    errors: [404],
    params: z.object({ id: z.string().min(1).max(64) }),
    response: Receipt,
    handler: ({ req, params }) => deps.billing.receipt(currentUser(req).id, params.id),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/me/ledger',
    summary: 'My credit ledger, newest first (paged); each row names its task or order',
    query: PageQuery,
    response: MyLedgerPage,
    handler: async ({ req, query }) => ({
      ...(await deps.billing.ledgerPage(currentUser(req).id, query.page, query.pageSize)),
      page: query.page,
      pageSize: query.pageSize,
    }),
  });
  return router;
}
