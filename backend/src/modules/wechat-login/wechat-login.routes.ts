import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import type { KeyValueStore } from '../../infra/kv';
import { defineRoute } from '../../http/route';
import { currentUser, requireUser } from '../auth/auth.middleware';
import { LoginResponse } from '../auth/auth.routes';
import type { JwtService } from '../auth/jwt.service';
import { PhoneSchema } from '../auth/phone';
import { clientIp, RateLimiter } from '../auth/rate-limit';
import { MeSchema } from '../users/users.schemas';
import { STATE_TTL_SECONDS, type WechatLoginService } from './wechat-login.service';

/** The cookie that binds a QR login's `state` to the browser that started it. */
export const STATE_COOKIE = 'aiphoto_wx_state';
const COOKIE_PATH = '/api/v1';

const Enabled = z.object({ web: z.boolean(), mini: z.boolean() }).openapi('WechatLoginEnabled');
const Started = z.object({ url: z.string(), state: z.string() }).openapi('WechatLoginStart');
const Callback = z
  .object({ code: z.string().min(1).max(256), state: z.string().regex(/^[0-9a-f]{32}$/) })
  .openapi('WechatLoginCallback');
const MiniBody = z.object({ code: z.string().min(1).max(256) }).openapi('WechatMiniLogin');
const LinkBody = z
  .object({
    ticket: z.string().min(1).max(64),
    phone: PhoneSchema,
    code: z.string().regex(/^\d{6}$/, 'must be the 6 digits of the text message'),
  })
  .openapi('WechatLinkRequest');
const WechatProfile = z.object({ nickname: z.string().nullable(), avatarUrl: z.string().nullable() });
export const SignInAnswer = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('signed-in'), token: z.string(), user: MeSchema }),
    z.object({ status: z.literal('link-required'), ticket: z.string(), wechat: WechatProfile }),
  ])
  .openapi('WechatSignIn');
const Link = z
  .object({
    linked: z.boolean(),
    nickname: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    web: z.boolean(),
    mini: z.boolean(),
    linkedAt: z.string().nullable(),
  })
  .openapi('WechatLink');

function cookieValue(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/**
 * WeChat sign-in (docs/identity.md): the website QR login and its callback, the mini-program's
 * `jscode2session` sign-in, linking a first-time WeChat person to a phone verified by SMS, and
 * link / unlink on the profile. Anonymous routes are limited per client address.
 */
export function wechatLoginRoutes(
  ctx: AppContext,
  deps: { jwt: JwtService; service: WechatLoginService; kv: KeyValueStore },
): Router {
  const router = Router();
  const limiter = new RateLimiter(deps.kv);
  const perIp: RequestHandler = (req, _res, next) => {
    limiter
      .consume(`wxlogin:ip:${clientIp(req)}`, 60, 900, 'Too many WeChat sign-ins from this network; try again later')
      .then(() => next(), next);
  };
  const secureCookie = ctx.config.http.publicBaseUrl.startsWith('https:');
  const setStateCookie = (res: Response, state: string) =>
    res.cookie(STATE_COOKIE, state, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookie,
      path: COOKIE_PATH,
      maxAge: STATE_TTL_SECONDS * 1000,
    });
  const takeStateCookie = (req: Request, res: Response) => {
    res.clearCookie(STATE_COOKIE, { path: COOKIE_PATH });
    return cookieValue(req, STATE_COOKIE);
  };
  const tags = ['wechat'];
  const me = { tags, before: [requireUser(deps.jwt)], secured: true };

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/auth/wechat/config',
    tags,
    summary: 'Which WeChat sign-ins are on: website QR login (web), mini-program (mini)',
    response: Enabled,
    handler: async () => deps.service.enabled(),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/auth/wechat/web/start',
    tags,
    summary:
      'Begin a WeChat QR sign-in: the qrconnect URL to send the browser to, with a single-use state (10 min) also set as an HttpOnly cookie',
    before: [perIp],
    response: Started,
    errors: [404, 429, 503],
    handler: async ({ res }) => {
      const started = await deps.service.start('sign-in');
      setStateCookie(res, started.state);
      return started;
    },
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/auth/wechat/web/callback',
    tags,
    summary:
      'The code and state WeChat sent the browser back with → a merchant token (linked person) or a ticket to verify a phone (first sign-in)',
    before: [perIp],
    body: Callback,
    response: SignInAnswer,
    errors: [404, 429, 503],
    handler: ({ body, req, res }) => deps.service.webSignIn(body.code, body.state, takeStateCookie(req, res)),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/auth/wechat/mini',
    tags,
    summary: "Mini-program sign-in with wx.login()'s code (jscode2session) → a merchant token or a ticket",
    before: [perIp],
    body: MiniBody,
    response: SignInAnswer,
    errors: [404, 429, 503],
    handler: ({ body }) => deps.service.miniSignIn(body.code),
  });

  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/auth/wechat/link',
    tags,
    summary:
      'First WeChat sign-in: verify a phone with its texted code (POST /auth/send-code); the WeChat person is linked to that account (created if new)',
    body: LinkBody,
    response: LoginResponse,
    errors: [409, 429],
    handler: ({ body, req }) => deps.service.linkWithPhone(body.ticket, body.phone, body.code, clientIp(req)),
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'get',
    path: '/api/v1/me/wechat',
    summary: 'The WeChat account linked to mine, if any',
    response: Link,
    handler: ({ req }) => deps.service.status(currentUser(req).id),
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'post',
    path: '/api/v1/me/wechat/start',
    summary: 'Begin linking WeChat to my account: a qrconnect URL and state, as for sign-in',
    response: Started,
    errors: [404, 503],
    handler: async ({ req, res }) => {
      const started = await deps.service.start('link', currentUser(req).id);
      setStateCookie(res, started.state);
      return started;
    },
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'post',
    path: '/api/v1/me/wechat/callback',
    summary: 'Link the WeChat person of this code to my account (409 WECHAT_TAKEN / WECHAT_ALREADY_LINKED)',
    body: Callback,
    response: Link,
    errors: [404, 409, 503],
    handler: ({ body, req, res }) =>
      deps.service.webLink(currentUser(req).id, body.code, body.state, takeStateCookie(req, res)),
  });

  defineRoute(router, ctx.openapi, {
    ...me,
    method: 'delete',
    path: '/api/v1/me/wechat',
    summary: 'Unlink WeChat from my account (signing in with WeChat then asks for a phone again)',
    response: Link,
    handler: ({ req }) => deps.service.unlink(currentUser(req).id),
  });
  return router;
}
