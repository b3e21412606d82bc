import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { currentAdmin, requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { AdminUsersService } from './admin-users.service';

const Paging = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const AdminUser = z
  .object({
    id: z.string(),
    phone: z.string(),
    nickname: z.string().nullable(),
    isMember: z.boolean(),
    quotaRemaining: z.number().int(),
    quotaExpireAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('AdminUser');

const LedgerEntry = z
  .object({
    id: z.string(),
    kind: z.enum(['grant', 'reserve', 'refund', 'expire', 'adjust']),
    delta: z.number().int(),
    balanceAfter: z.number().int(),
    taskId: z.string().nullable(),
    orderId: z.string().nullable(),
    adminId: z.string().nullable(),
    /** The console account that adjusted (kind `adjust`), null otherwise. */
    adminUsername: z.string().nullable(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('LedgerEntry');

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export interface AdminUsersDeps {
  jwt: JwtService;
  service: AdminUsersService;
}

/** Admin console: merchants, their ledger, and manual credit adjustments; the work is AdminUsersService's. */
export function adminUsersRoutes(ctx: AppContext, deps: AdminUsersDeps): Router {
  const router = Router();
  const { service } = deps;
  const tags = ['admin'];
  const anyStaff = [requireAdmin(deps.jwt)];
  const UserId = z.object({ id: z.string().min(1).max(64) });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/admin/users',
    summary: 'Merchants, newest first; search by phone',
    tags,
    before: anyStaff,
    secured: true,
    errors: [403],
    query: Paging.extend({
      phone: z
        .string()
        .regex(/^\+?\d{1,20}$/)
        .optional(),
    }),
    response: page(AdminUser),
    handler: ({ query }) => service.search(query),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/admin/users/:id/ledger',
    summary: "A merchant's credit ledger, newest first",
    tags,
    before: anyStaff,
    secured: true,
    errors: [403, 404],
    params: UserId,
    query: Paging,
    response: page(LedgerEntry),
    handler: ({ params, query }) => service.ledger(params.id, query),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/admin/users/:id/adjust',
    summary: 'Add or remove credits (ledger `adjust` entry)',
    tags,
    before: [requireAdmin(deps.jwt, 'admin')],
    secured: true,
    errors: [403, 404, 409],
    params: UserId,
    body: z.object({
      delta: z
        .number()
        .int()
        .refine((d) => d !== 0, 'must not be 0')
        .refine((d) => Math.abs(d) <= 100_000, 'too large'),
      reason: z.string().trim().min(1).max(255),
    }),
    response: z.object({ user: AdminUser, entry: LedgerEntry }),
    handler: ({ req, params, body }) => service.adjust(currentAdmin(req), params.id, body.delta, body.reason),
  });

  return router;
}
