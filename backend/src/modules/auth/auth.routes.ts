import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import { MeSchema } from '../users/users.schemas';
import type { AuthService } from './auth.service';
import { PhoneSchema } from './phone';
import { clientIp } from './rate-limit';

export const SendCodeBody = z.object({ phone: PhoneSchema }).openapi('SendCodeRequest');
export const SendCodeResponse = z
  .object({ sent: z.literal(true), cooldownSeconds: z.number().int() })
  .openapi('SendCodeResponse');
export const LoginBody = z
  .object({ phone: PhoneSchema, code: z.string().regex(/^\d{6}$/, 'must be the 6 digits of the text message') })
  .openapi('LoginRequest');
export const LoginResponse = z.object({ token: z.string(), user: MeSchema }).openapi('LoginResponse');

/** `POST /api/v1/auth/send-code` and `POST /api/v1/auth/login` (docs/architecture.md §7). */
export function authRoutes(ctx: AppContext, service: AuthService, router: Router = Router()): Router {
  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/auth/send-code',
    tags: ['auth'],
    summary:
      'Text a 6-digit login code (5 min, single use); 60 s cooldown, 5/min and a daily cap per phone, 20/h per IP, a daily budget, enabled country codes only',
    body: SendCodeBody,
    response: SendCodeResponse,
    errors: [400, 429, 502],
    handler: ({ body, req }) => service.sendCode(body.phone, clientIp(req)),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/auth/login',
    tags: ['auth'],
    summary: 'Log in with the texted code (registers the phone on first login) → merchant token, 7 days',
    body: LoginBody,
    response: LoginResponse,
    errors: [429],
    handler: ({ body, req }) => service.login(body.phone, body.code, clientIp(req)),
  });
  return router;
}
