import { Router } from 'express';
import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import { createSmsSender } from '../sms/sms.service';
import type { SmsSender } from '../sms/sms-sender';
import type { UsersRepository } from '../users/users.repository';
import { VerificationCodesRepository } from './auth.repository';
import { authRoutes } from './auth.routes';
import { AuthService, DEFAULT_AUTH_POLICY, type AuthPolicy, type SmsCaps } from './auth.service';
import { CodeHasher } from './code-hasher';
import { bindMerchantSessionCheck } from './auth.middleware';
import type { JwtService } from './jwt.service';
import { MerchantSessions } from './merchant-sessions';
import { apiRateLimit } from './rate-limit';
import { usePrefix } from '../../http/hot-routes';

export interface AuthModuleDeps {
  jwt: JwtService;
  users: UsersRepository;
  /** Defaults to the configured Tencent Cloud / sandbox sender. */
  sms?: SmsSender;
  policy?: Partial<AuthPolicy>;
  clock?: () => Date;
  /** The SMS caps in force (the runtime settings); defaults to the env values. */
  smsCaps?: () => Promise<SmsCaps>;
}

export interface AuthApi {
  /** Sign-in and phone checks (WeChat sign-in, profile phone change). */
  service: AuthService;
  /** Token versions: sign out everywhere, and who to tell when it happens. */
  sessions: MerchantSessions;
}

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Merchant identity: the app-wide `/api/v1` rate limit, then SMS-code sign-in.
 * Mount it before every other module so the rate limit sees all API traffic.
 */
export function createAuthModule(ctx: AppContext, deps: AuthModuleDeps): Module<AuthApi> {
  const policy = { ...DEFAULT_AUTH_POLICY, ...deps.policy };
  const codes = new VerificationCodesRepository();
  const clock = deps.clock ?? (() => new Date());
  const service = new AuthService({
    db: ctx.db,
    kv: ctx.kv,
    users: deps.users,
    codes,
    sms: deps.sms ?? createSmsSender(ctx.config, ctx.logger, Math.ceil(policy.codeTtlSeconds / 60)),
    jwt: deps.jwt,
    hasher: new CodeHasher(ctx.config.auth.codeSecret, ctx.config.auth.jwtSecret),
    logger: ctx.logger.child({ component: 'auth' }),
    policy,
    smsCaps:
      deps.smsCaps ??
      (async () => {
        const { perPhonePerDay, dailyBudget, allowedCountryCodes } = ctx.config.sms;
        return { perPhonePerDay, dailyBudget, allowedCountryCodes };
      }),
    clock,
  });

  // Sign out everywhere: every merchant token's version is checked (cached per process).
  const sessions = new MerchantSessions(
    { ds: ctx.db, users: deps.users, kv: ctx.kv, logger: ctx.logger.child({ component: 'sessions' }) },
    { cacheMs: ctx.config.auth.sessionCacheSeconds * 1000 },
  );
  bindMerchantSessionCheck(deps.jwt, (userId, version) => sessions.assertCurrent(userId, version));

  const router = Router();
  // Also run by the hot routes under /api/v1 (http/hot-routes.ts).
  usePrefix(
    router,
    '/api/v1',
    apiRateLimit({ kv: ctx.kv, jwt: deps.jwt, logger: ctx.logger, limit: ctx.config.rateLimit.apiPer15Min }),
  );
  authRoutes(ctx, service, router);

  return {
    name: 'auth',
    router,
    api: { service, sessions },
    start: async () => {
      const unsubscribe = await sessions.start();
      ctx.onClose(unsubscribe);
      // Spent codes are useless after a day and hold phone numbers: drop them.
      const sweep = () =>
        codes
          .deleteExpiredBefore(ctx.db.manager, new Date(clock().getTime() - 24 * 3600 * 1000))
          .catch((err: unknown) => ctx.logger.warn({ err }, 'verification code sweep failed'));
      const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
      timer.unref();
      ctx.onClose(() => clearInterval(timer));
    },
  };
}
