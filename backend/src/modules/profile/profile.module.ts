import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { AuthApi } from '../auth/auth.module';
import type { JwtService } from '../auth/jwt.service';
import type { MediaApi } from '../media/media.module';
import type { UsersRepository } from '../users/users.repository';
import { profileRoutes } from './profile.routes';
import { ProfileService } from './profile.service';

export interface ProfileModuleDeps {
  jwt: JwtService;
  users: UsersRepository;
  auth: AuthApi;
  media: Pick<MediaApi, 'media' | 'storage'>;
}

/** The merchant's profile: nickname, picture, phone change, sign out everywhere. */
export function createProfileModule(ctx: AppContext, deps: ProfileModuleDeps): Module {
  const profile = new ProfileService({
    ds: ctx.db,
    users: deps.users,
    auth: deps.auth.service,
    sessions: deps.auth.sessions,
    storage: deps.media.storage,
    logger: ctx.logger.child({ component: 'profile' }),
  });
  return {
    name: 'profile',
    router: profileRoutes(ctx, { jwt: deps.jwt, slots: deps.media.media.slots, profile }),
    api: {},
  };
}
