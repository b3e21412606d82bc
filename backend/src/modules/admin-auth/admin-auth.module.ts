import { Router } from 'express';
import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import { bindAdminAccountCheck } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { adminAccountsRoutes } from './admin-accounts.routes';
import { AdminAccountsService } from './admin-accounts.service';
import { AdminUsersRepository } from './admin-auth.repository';
import { adminAuthRoutes } from './admin-auth.routes';
import { AdminAuthService, DEFAULT_ADMIN_AUTH_POLICY, type AdminAuthPolicy } from './admin-auth.service';
import { PasswordHasher } from './password-hasher';

export interface AdminAuthModuleDeps {
  jwt: JwtService;
  admins?: AdminUsersRepository;
  policy?: Partial<AdminAuthPolicy>;
}

export interface AdminAuthApi {
  service: AdminAuthService;
  hasher: PasswordHasher;
}

/**
 * Console identity and console accounts. The first admin is created here, before the app
 * serves, so the console can be used as soon as the backend answers. Every requireAdmin(jwt)
 * in the app checks the token's account through this module (disabled → 401).
 */
export async function createAdminAuthModule(ctx: AppContext, deps: AdminAuthModuleDeps): Promise<Module<AdminAuthApi>> {
  const admins = deps.admins ?? new AdminUsersRepository();
  const policy = { ...DEFAULT_ADMIN_AUTH_POLICY, ...deps.policy };
  const logger = ctx.logger.child({ component: 'admin-auth' });
  // One hasher for sign-ins and account changes: their hashes share one bound.
  const hasher = new PasswordHasher(policy.bcryptRounds, ctx.config.limits.passwordHashConcurrency);
  const service = new AdminAuthService({
    db: ctx.db,
    kv: ctx.kv,
    admins,
    jwt: deps.jwt,
    logger,
    hasher,
    bootstrap: ctx.config.adminBootstrap,
    policy,
  });
  const accounts = new AdminAccountsService({ db: ctx.db, admins, logger, hasher });
  const bootstrap = await service.ensureBootstrapAdmin();
  if (bootstrap.generatedPassword) {
    ctx.firstStart.adminCredentials = {
      username: ctx.config.adminBootstrap.username,
      password: bootstrap.generatedPassword,
    };
  }
  bindAdminAccountCheck(deps.jwt, (id) => service.profile(id));
  const router = Router().use(adminAuthRoutes(ctx, service, deps.jwt), adminAccountsRoutes(ctx, accounts, deps.jwt));
  return { name: 'admin-auth', router, api: { service, hasher } };
}
