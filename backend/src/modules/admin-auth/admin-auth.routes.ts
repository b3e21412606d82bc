import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { currentAdmin, requireAdmin } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { clientIp } from '../auth/rate-limit';
import type { AdminAuthService } from './admin-auth.service';

export const AdminSchema = z
  .object({ id: z.string(), username: z.string(), role: z.enum(['admin', 'operator']) })
  .openapi('Admin');
export const AdminLoginBody = z
  .object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(128) })
  .openapi('AdminLoginRequest');
export const AdminLoginResponse = z.object({ token: z.string(), admin: AdminSchema }).openapi('AdminLoginResponse');

/** `POST /api/v1/admin/login` and `GET /api/v1/admin/me` for the admin console. */
export function adminAuthRoutes(ctx: AppContext, service: AdminAuthService, jwt: JwtService): Router {
  const router = Router();
  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/admin/login',
    tags: ['admin'],
    summary:
      'Console sign-in with username and password → admin token (rate-limited per IP, then per username; 503 SIGN_IN_BUSY when too many hashes are queued)',
    body: AdminLoginBody,
    response: AdminLoginResponse,
    errors: [429, 503],
    handler: ({ body, req }) => service.login(body.username, body.password, clientIp(req)),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/admin/me',
    tags: ['admin'],
    summary: 'The signed-in console account',
    secured: true,
    before: [requireAdmin(jwt)],
    response: AdminSchema,
    errors: [403],
    handler: ({ req }) => service.profile(currentAdmin(req).id),
  });
  return router;
}
