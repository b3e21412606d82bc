import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { currentUser, requireUser, type ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { PaymentsService } from '../payments/payments.service';
import { MeSchema } from '../users/users.schemas';
import type { MembershipService } from './membership.service';
import { clientIp } from '../auth/rate-limit';
import {
  ChannelsResponse,
  OrderView,
  PendingOrderResponse,
  PlansResponse,
  PurchaseBody,
  PurchaseResponse,
} from './membership.schemas';
import type { PlansService } from './plans.service';

export interface MembershipRouteDeps {
  jwt: JwtService;
  /** Lets merchant automation read membership and buy with an API key. */
  apiKeys?: ApiKeyResolver;
  membership: MembershipService;
  plans: PlansService;
  payments: MembershipPaymentsPort;
}

/** The payments calls behind plan purchases and plan orders (late-bound: payments is built from the plans). */
export type MembershipPaymentsPort = Pick<
  PaymentsService,
  'enabledChannels' | 'purchase' | 'pendingOrder' | 'getOrder' | 'closeOrder'
>;

/** Merchant-facing membership API: own state, plans, purchase and own orders. */
export function membershipRoutes(ctx: AppContext, deps: MembershipRouteDeps): Router {
  const router = Router();
  const auth = [requireUser(deps.jwt, deps.apiKeys)];
  const tags = ['membership'];

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/me',
    summary: 'The signed-in merchant (a lapsed membership is downgraded first)',
    tags: ['users'],
    before: auth,
    secured: true,
    // Read on every page of the portal: answered before Express's router (http/hot-routes.ts).
    hot: true,
    response: MeSchema,
    handler: ({ req }) => deps.membership.status(currentUser(req).id),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/membership/status',
    summary: 'Membership state (downgrades a lapsed membership once)',
    tags,
    before: auth,
    secured: true,
    response: MeSchema,
    handler: ({ req }) => deps.membership.status(currentUser(req).id),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/membership/plans',
    summary: 'Plans with price (fen), credits and days',
    tags,
    response: PlansResponse,
    handler: async () => ({ plans: await deps.plans.list() }),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/payments/channels',
    summary: 'The enabled payment channels, each with its scenes, and how long a payer has to pay',
    tags,
    response: ChannelsResponse,
    handler: async () => ({
      channels: deps.payments.enabledChannels(),
      payTimeoutSeconds: ctx.config.payments.payTimeoutSeconds,
    }),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/membership/purchase',
    summary: 'Create a pending order and the channel pay params',
    tags,
    before: auth,
    secured: true,
    body: PurchaseBody,
    response: PurchaseResponse,
    errors: [503],
    handler: async ({ req, body }) => {
      const { order, outTradeNo, payParams, resumed } = await deps.payments.purchase(currentUser(req).id, {
        ...body,
        clientIp: clientIp(req),
      });
      return { orderId: order.id, outTradeNo, amountFen: order.amountFen, channel: order.channel, payParams, resumed };
    },
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/membership/orders/pending',
    summary: 'My newest order that can still be paid where it was started (null when none): resume it after a reload',
    tags,
    before: auth,
    secured: true,
    response: PendingOrderResponse,
    handler: async ({ req }) => ({ pending: await deps.payments.pendingOrder(currentUser(req).id) }),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/membership/orders/:id',
    summary: 'One of my orders; refresh=1 asks the channel first',
    tags,
    before: auth,
    secured: true,
    errors: [404],
    params: z.object({ id: z.string().min(1).max(64) }),
    query: z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() }),
    response: OrderView,
    handler: ({ req, params, query }) =>
      deps.payments.getOrder(currentUser(req).id, params.id, query.refresh === '1' || query.refresh === 'true'),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/membership/orders/:id/close',
    summary: 'Give up paying one of my pending orders (a payment that already arrived is settled instead)',
    tags,
    before: auth,
    secured: true,
    errors: [404],
    params: z.object({ id: z.string().min(1).max(64) }),
    response: OrderView,
    handler: ({ req, params }) => deps.payments.closeOrder(currentUser(req).id, params.id),
  });

  return router;
}
