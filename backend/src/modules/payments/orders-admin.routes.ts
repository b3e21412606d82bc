import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { ChannelSchema, OrderView } from '../membership/membership.schemas';
import type { OrdersRepository } from './orders.repository';
import type { PaymentsService } from './payments.service';

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
export function ordersAdminRoutes(
  ctx: AppContext,
  jwt: JwtService,
  orders: OrdersRepository,
  payments: PaymentsService,
): Router {
  const router = Router();
  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/admin/orders',
    summary: 'Orders with filters, paging and totals',
    tags: ['admin'],
    before: [requireAdmin(jwt)],
    secured: true,
    errors: [403],
    query: Query,
    response: Response,
    handler: async ({ query }) => {
      const filter = {
        ...query,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      };
      const r = await orders.list(ctx.db.manager, filter, query.pageSize, (query.page - 1) * query.pageSize);
      return {
        items: r.items.map((o) => ({
          ...payments.view(o),
          userId: o.user_id,
          phone: o.phone,
          outTradeNo: o.out_trade_no,
          transactionId: o.transaction_id,
        })),
        total: r.total,
        page: query.page,
        pageSize: query.pageSize,
        totals: { count: r.total, paidCount: r.paidCount, paidAmountFen: r.paidAmountFen },
      };
    },
  });
  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/admin/orders/:id/refresh',
    summary:
      'Query the payment channel for any order and apply what it says (lost notify; a payment settles a pending, closed or failed order once)',
    tags: ['admin'],
    before: [requireAdmin(jwt, 'admin')],
    secured: true,
    errors: [403, 404],
    params: z.object({ id: z.string().max(64) }),
    response: OrderView.extend({ userId: z.string(), outTradeNo: z.string(), transactionId: z.string().nullable() }),
    handler: async ({ params }) => {
      const o = await payments.refreshOrder(params.id);
      return { ...payments.view(o), userId: o.user_id, outTradeNo: o.out_trade_no, transactionId: o.transaction_id };
    },
  });
  return router;
}
