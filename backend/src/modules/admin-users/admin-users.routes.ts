import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { isoOrNull } from '../../db/time';
import { NotFoundError } from '../../errors/app-error';
import { defineRoute } from '../../http/route';
import { currentAdmin, requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { LedgerRow } from '../ledger/ledger.repository';
import type { LedgerService } from '../ledger/ledger.service';
import { toMe, type UserRow, type UsersRepository } from '../users/users.repository';
import type { AdminUsersRepository } from './admin-users.repository';

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

function toAdminUser(u: UserRow) {
  const me = toMe({ ...u, quota_remaining: Number(u.quota_remaining), is_member: Number(u.is_member) });
  return { ...me, createdAt: isoOrNull(u.created_at)! };
}

export function toLedgerEntry(r: LedgerRow, adminUsername: string | null = null) {
  return {
    id: r.id,
    kind: r.kind,
    delta: Number(r.delta),
    balanceAfter: Number(r.balance_after),
    taskId: r.task_id,
    orderId: r.order_id,
    adminId: r.admin_id,
    adminUsername: r.admin_id ? adminUsername : null,
    reason: r.reason,
    createdAt: isoOrNull(r.created_at)!,
  };
}

export interface AdminUsersDeps {
  jwt: JwtService;
  users: UsersRepository;
  adminUsers: AdminUsersRepository;
  ledger: LedgerService;
}

/** Admin console: merchants, their ledger, and manual credit adjustments (admin role only). */
export function adminUsersRoutes(ctx: AppContext, deps: AdminUsersDeps): Router {
  const router = Router();
  const tags = ['admin'];
  const anyStaff = [requireAdmin(deps.jwt)];
  const UserId = z.object({ id: z.string().min(1).max(64) });
  const findUser = async (id: string) => {
    const user = await deps.users.findById(ctx.db.manager, id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  };

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
    handler: async ({ query }) => {
      const { items, total } = await deps.adminUsers.search(
        ctx.db.manager,
        query.phone,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      );
      return { items: items.map(toAdminUser), total, page: query.page, pageSize: query.pageSize };
    },
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
    handler: async ({ params, query }) => {
      await findUser(params.id);
      const { items, total } = await deps.ledger.entries(params.id, query.pageSize, (query.page - 1) * query.pageSize);
      const names = await deps.adminUsers.adminNames(
        ctx.db.manager,
        items.flatMap((r) => (r.admin_id ? [r.admin_id] : [])),
      );
      return {
        items: items.map((r) => toLedgerEntry(r, r.admin_id ? (names.get(r.admin_id) ?? null) : null)),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },
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
    handler: async ({ req, params, body }) => {
      const entry = await deps.ledger.adjust(currentAdmin(req).id, params.id, body.delta, body.reason);
      ctx.logger.info(
        { adminId: currentAdmin(req).id, userId: params.id, delta: body.delta },
        'credits adjusted by admin',
      );
      return {
        user: toAdminUser(await findUser(params.id)),
        entry: toLedgerEntry(entry, currentAdmin(req).username),
      };
    },
  });

  return router;
}
