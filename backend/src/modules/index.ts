import type { AppModule } from '../app';
import type { AppContext } from '../app-context';
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
  void jwt;
  void users;
  return [];
}
