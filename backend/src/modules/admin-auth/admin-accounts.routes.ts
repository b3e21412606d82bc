import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { currentAdmin, requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { AdminAccountsService } from './admin-accounts.service';

const Role = z.enum(['admin', 'operator']);
// ≥ 10 characters with a letter and a digit: long enough to resist guessing under the sign-in
// limits, without rules people work around by writing passwords down.
export const Password = z
  .string()
  .min(10)
  .max(128)
  .regex(/[A-Za-z]/, 'needs a letter')
  .regex(/\d/, 'needs a digit');

export const AdminAccount = z
  .object({ id: z.string(), username: z.string(), role: Role, createdAt: z.string(), disabled: z.boolean() })
  .openapi('AdminAccount');
const CreateAdminAccount = z
  .object({
    username: z
      .string()
      .trim()
      .min(3)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only'),
    password: Password,
    role: Role,
  })
  .openapi('CreateAdminAccount');
const UpdateAdminAccount = z
  .object({ role: Role.optional(), password: Password.optional(), disabled: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.password !== undefined || b.disabled !== undefined, 'nothing to change')
  .openapi('UpdateAdminAccount');

/** `/api/v1/admin/admins`: console accounts, admins only. */
export function adminAccountsRoutes(ctx: AppContext, accounts: AdminAccountsService, jwt: JwtService): Router {
  const router = Router();
  const common = { tags: ['admin'], secured: true, before: [requireAdmin(jwt, 'admin')] };

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'get',
    path: '/api/v1/admin/admins',
    summary: 'Console accounts, oldest first',
    response: z.object({ items: z.array(AdminAccount) }),
    errors: [403],
    handler: () => accounts.list(),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/admin/admins',
    status: 201,
    summary: 'Create a console account (409 USERNAME_TAKEN)',
    body: CreateAdminAccount,
    response: AdminAccount,
    errors: [403, 409],
    handler: ({ req, body }) => accounts.create(currentAdmin(req).id, body),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'patch',
    path: '/api/v1/admin/admins/:id',
    summary: 'Change role, reset password, disable or enable (409 LAST_ADMIN, CANNOT_DISABLE_SELF)',
    params: z.object({ id: z.string().min(1).max(64) }),
    body: UpdateAdminAccount,
    response: AdminAccount,
    errors: [403, 404, 409],
    handler: ({ req, params, body }) => accounts.update(currentAdmin(req).id, params.id, body),
  });
  return router;
}
