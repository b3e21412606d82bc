import type { AppModule } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import { AdminUsersRepository } from './admin-auth.repository';
import { adminAuthRoutes } from './admin-auth.routes';
import { AdminAuthService, DEFAULT_ADMIN_AUTH_POLICY, type AdminAuthPolicy } from './admin-auth.service';

export interface AdminAuthModuleDeps {
  jwt: JwtService;
  admins?: AdminUsersRepository;
  policy?: Partial<AdminAuthPolicy>;
}

/**
 * Console identity. The first admin is created here, before the app serves, so the console
 * can be used as soon as the backend answers.
 */
export async function createAdminAuthModule(ctx: AppContext, deps: AdminAuthModuleDeps): Promise<AppModule & { service: AdminAuthService }> {
  const service = new AdminAuthService({
    db: ctx.db,
    kv: ctx.kv,
    admins: deps.admins ?? new AdminUsersRepository(),
    jwt: deps.jwt,
    logger: ctx.logger.child({ component: 'admin-auth' }),
    bootstrap: ctx.config.adminBootstrap,
    policy: { ...DEFAULT_ADMIN_AUTH_POLICY, ...deps.policy },
  });
  await service.ensureBootstrapAdmin();
  return { name: 'admin-auth', router: adminAuthRoutes(ctx, service, deps.jwt), service };
}
