import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { ChannelSchema, OrderView } from '../membership/membership.schemas';
import type { OrdersAdminService } from './orders-admin.service';

const Query = z.object({
  status: z.enum(['pending', 'paid', 'closed', 'failed']).optional(),
  channel: ChannelSchema.optional(),
  userId: z.string().max(64).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const Response = z.object({
  items: z.array(
    OrderView.extend({
      userId: z.string(),
      phone: z.string().nullable(),
      outTradeNo: z.string(),
      transactionId: z.string().nullable(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  totals: z.object({ count: z.number().int(), paidCount: z.number().int(), paidAmountFen: z.number().int() }),
});

/** `GET /api/v1/admin/orders`: filters, paging and the totals of the filtered set. */
export function ordersAdminRoutes(ctx: AppContext, deps: { jwt: JwtService; service: OrdersAdminService }): Router {
  const router = Router();
  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/admin/orders',
    summary: 'Orders with filters, paging and totals',
    tags: ['admin'],
    before: [requireAdmin(deps.jwt)],
    secured: true,
    errors: [403],
    query: Query,
    response: Response,
    handler: ({ query }) =>
      deps.service.list(
        {
          ...query,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
        },
        query,
      ),
  });
  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/admin/orders/:id/refresh',
    summary:
      'Query the payment channel for any order and apply what it says (lost notify; a payment settles a pending, closed or failed order once)',
    tags: ['admin'],
    before: [requireAdmin(deps.jwt, 'admin')],
    secured: true,
    errors: [403, 404],
    params: z.object({ id: z.string().max(64) }),
    response: OrderView.extend({ userId: z.string(), outTradeNo: z.string(), transactionId: z.string().nullable() }),
    handler: ({ params }) => deps.service.refresh(params.id),
  });
  return router;
}
