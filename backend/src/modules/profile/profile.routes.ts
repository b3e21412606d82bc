import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { ValidationError } from '../../errors/app-error';
import { defineRoute } from '../../http/route';
import type { ConcurrencyGate } from '../../infra/concurrency-gate';
import { currentUser, requireUser } from '../auth/auth.middleware';
import { LoginResponse, SendCodeResponse } from '../auth/auth.routes';
import type { JwtService } from '../auth/jwt.service';
import { PhoneSchema } from '../auth/phone';
import { clientIp } from '../auth/rate-limit';
import { MeSchema } from '../users/users.schemas';
import { AVATAR_MAX_BYTES, type ProfileService } from './profile.service';

/** Letters, digits, punctuation and spaces; no control or format characters, 1–32 characters. */
export const NicknameSchema = z
  .string()
  .transform((v) => v.trim())
  .refine((v) => [...v].length >= 1 && [...v].length <= 32, 'must be 1 to 32 characters')
  .refine((v) => !/[\p{C}]/u.test(v), 'must not contain control characters');

const ProfileBody = z.object({ nickname: NicknameSchema.nullable() }).openapi('ProfileUpdate');
const PhoneCodeBody = z
  .object({ target: z.enum(['old', 'new']), phone: PhoneSchema.optional() })
  .openapi('PhoneCodeRequest');
const Code = z.string().regex(/^\d{6}$/, 'must be the 6 digits of the text message');
const ChangePhoneBody = z.object({ phone: PhoneSchema, oldCode: Code, newCode: Code }).openapi('ChangePhoneRequest');
const SignedOut = z.object({ signedOut: z.literal(true) }).openapi('SignedOut');
const AvatarParams = z.object({
  userId: z.string().regex(/^[0-9a-f-]{36}$/),
  file: z.string().regex(/^[0-9a-f]{64}\.jpg$/),
});

/** How long the avatar route's redirect may be reused by a browser (the signed URL lives longer). */
const AVATAR_URL_TTL_SECONDS = 3600;
const AVATAR_REDIRECT_MAX_AGE = 600;

export interface ProfileRouteDeps {
  jwt: JwtService;
  profile: ProfileService;
  /** The upload slots shared with the media routes (bytes held in memory at once). */
  slots: ConcurrencyGate;
}

/**
 * The merchant's profile (portal sign-in only; an API key is refused like a bad token): nickname,
 * picture, phone change, sign out everywhere; and the public picture route `Me.avatarUrl` names.
 */
export function profileRoutes(ctx: AppContext, deps: ProfileRouteDeps): Router {
  const router = Router();
  const common = { tags: ['profile'], before: [requireUser(deps.jwt)], secured: true };

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'patch',
    path: '/api/v1/me',
    summary: 'Change my nickname (1–32 characters; null clears it)',
    body: ProfileBody,
    response: MeSchema,
    handler: ({ body, req }) => deps.profile.setNickname(currentUser(req).id, body.nickname),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/me/avatar',
    summary: 'Set my profile picture (multipart "file": JPEG, PNG or WebP up to 5 MiB; stored as a 256×256 JPEG)',
    upload: { field: 'file', maxBytes: AVATAR_MAX_BYTES, slots: deps.slots },
    response: MeSchema,
    errors: [413, 415],
    handler: ({ req }) => {
      if (!req.file) throw new ValidationError('Upload an image in the multipart field "file"');
      return deps.profile.setAvatar(currentUser(req).id, req.file.buffer);
    },
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'delete',
    path: '/api/v1/me/avatar',
    summary: 'Remove my profile picture',
    response: MeSchema,
    handler: ({ req }) => deps.profile.removeAvatar(currentUser(req).id),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/me/phone/code',
    summary:
      'Text a code to my current number (target "old") or to the number I change to (target "new"; 409 PHONE_TAKEN / SAME_PHONE); the sign-in limits apply',
    body: PhoneCodeBody,
    response: SendCodeResponse,
    errors: [409, 429, 502],
    handler: ({ body, req }) => deps.profile.sendPhoneCode(currentUser(req).id, clientIp(req), body.target, body.phone),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/me/phone',
    summary:
      'Change my phone number with the codes texted to the old and the new number; every earlier token is refused afterwards, the answer has a new one',
    body: ChangePhoneBody,
    response: LoginResponse,
    errors: [409, 429],
    handler: ({ body, req }) => deps.profile.changePhone(currentUser(req).id, clientIp(req), body),
  });

  defineRoute(router, ctx.openapi, {
    ...common,
    method: 'post',
    path: '/api/v1/me/sign-out-everywhere',
    summary: 'Sign out on every device: every token issued until now (this one too) is refused from now on',
    response: SignedOut,
    handler: ({ req }) => deps.profile.signOutEverywhere(currentUser(req).id),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/api/v1/avatars/:userId/:file',
    tags: ['profile'],
    summary: 'A profile picture (no sign-in: its name is its SHA-256): redirects to a short-lived storage URL',
    params: AvatarParams,
    status: 302,
    errors: [404],
    handler: async ({ params, res }) => {
      const url = await deps.profile.avatarUrl(params.userId, params.file, AVATAR_URL_TTL_SECONDS);
      res.setHeader('Cache-Control', `private, max-age=${AVATAR_REDIRECT_MAX_AGE}`);
      res.redirect(302, url);
    },
  });
  return router;
}
