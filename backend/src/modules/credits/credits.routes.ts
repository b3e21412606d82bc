import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { currentUser, requireAdmin, requireUser, type ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { clientIp } from '../auth/rate-limit';
import type { LedgerService } from '../ledger/ledger.service';
import type { MembershipService } from '../membership/membership.service';
import { PayWith, PurchaseResponse } from '../membership/membership.schemas';
import type { CheckinService } from './checkin.service';
import type { CreditPacksService } from './credit-packs.service';
import {
  CheckinSchema,
  CreditPackSchema,
  InviteSchema,
  MyCredits,
  PackInputSchema,
  PacksOffer,
} from './credits.schemas';
import type { InvitesService } from './invites.service';

export interface CreditsRouteDeps {
  jwt: JwtService;
  apiKeys?: ApiKeyResolver;
  packs: CreditPacksService;
  checkin: CheckinService;
  invites: InvitesService;
  ledger: LedgerService;
  membership: MembershipService;
}

const Id = z.object({ id: z.string().min(1).max(64) });

/** Credit packs (merchant and console), my credits by lot, daily check-in and invites. */
export function creditsRoutes(ctx: AppContext, d: CreditsRouteDeps): Router {
  const router = Router();
  const me = { tags: ['credits'], before: [requireUser(d.jwt, d.apiKeys)], secured: true };

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/credit-packs',
    summary: 'Credit packs on sale and how many days their credits last',
    tags: ['credits'],
    response: PacksOffer,
    handler: () => d.packs.offer(),
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'post',
    path: '/api/v1/credit-packs/:id/purchase',
    summary: 'Buy a credit pack (members only): a pending order and the channel pay params',
    params: Id,
    body: PayWith,
    response: PurchaseResponse,
    errors: [402, 404, 503],
    handler: async ({ req, params, body }) => {
      const { order, outTradeNo, payParams, resumed } = await d.packs.purchase(currentUser(req).id, params.id, {
        ...body,
        clientIp: clientIp(req),
      });
      return { orderId: order.id, outTradeNo, amountFen: order.amountFen, channel: order.channel, payParams, resumed };
    },
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'get',
    path: '/api/v1/me/credits',
    summary: 'My credits by lot, each with when it ends (soonest first)',
    response: MyCredits,
    handler: async ({ req }) => {
      const status = await d.membership.status(currentUser(req).id);
      return {
        balance: status.quotaRemaining,
        isMember: status.isMember,
        membershipExpiresAt: status.quotaExpireAt,
        lots: await d.ledger.creditLots(status.id),
      };
    },
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'get',
    path: '/api/v1/me/checkin',
    summary: "Today's check-in (Asia/Shanghai day)",
    response: CheckinSchema,
    handler: ({ req }) => d.checkin.status(currentUser(req).id),
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'post',
    path: '/api/v1/me/checkin',
    summary: 'Check in for today: members get the check-in credits once a day',
    response: CheckinSchema,
    errors: [402, 409],
    handler: ({ req }) => d.checkin.checkIn(currentUser(req).id),
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'get',
    path: '/api/v1/me/invite',
    summary: 'My invite code, how many I invited and were rewarded, and the reward amounts',
    response: InviteSchema,
    handler: ({ req }) => d.invites.mine(currentUser(req).id),
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'post',
    path: '/api/v1/me/invite/redeem',
    summary: "Enter someone's invite code (before my first paid order)",
    body: z.object({ code: z.string().trim().min(4).max(16) }),
    response: InviteSchema,
    errors: [404, 409],
    handler: ({ req, body }) => d.invites.redeem(currentUser(req).id, body.code),
  });

  const admin = { tags: ['admin'], secured: true, errors: [403] };
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/credit-packs',
    summary: 'Every credit pack, on sale or not',
    before: [requireAdmin(d.jwt)],
    response: z.object({ items: z.array(CreditPackSchema) }),
    handler: async () => ({ items: await d.packs.list(true) }),
  });
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'post',
    path: '/api/v1/admin/credit-packs',
    summary: 'Add a credit pack',
    before: [requireAdmin(d.jwt, 'admin')],
    status: 201,
    body: PackInputSchema,
    response: CreditPackSchema,
    errors: [403, 409],
    handler: ({ body }) => d.packs.create(body),
  });
  defineRoute(router, ctx.openapi, {
    ...admin,
    method: 'put',
    path: '/api/v1/admin/credit-packs/:id',
    summary: 'Change a credit pack (orders keep what they sold; take one off sale with active=false)',
    before: [requireAdmin(d.jwt, 'admin')],
    params: Id,
    body: PackInputSchema,
    response: CreditPackSchema,
    errors: [403, 404, 409],
    handler: ({ params, body }) => d.packs.update(params.id, body),
  });
  return router;
}
