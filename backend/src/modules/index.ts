import type { AppModule } from '../app';
import type { AppContext } from '../app-context';
import { createAdminAuthModule } from './admin-auth/admin-auth.module';
import { createAuthModule } from './auth/auth.module';
import { JwtService } from './auth/jwt.service';
import { UsersRepository } from './users/users.repository';

/**
 * The composition root: builds the shared services once and hands each module the
 * collaborators it needs (constructor injection, no container). Modules are mounted in
 * the order returned.
 */
export async function buildModules(ctx: AppContext): Promise<AppModule[]> {
  const jwt = new JwtService(ctx.config.auth.jwtSecret, ctx.config.auth.jwtTtlSeconds);
  const users = new UsersRepository();
  // Identity first: the auth router carries the app-wide /api/v1 rate limit.
  const identity: AppModule[] = [createAuthModule(ctx, { jwt, users }), await createAdminAuthModule(ctx, { jwt })];
  return [...identity];
}
