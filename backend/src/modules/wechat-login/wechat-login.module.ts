import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { AuthService } from '../auth/auth.service';
import type { JwtService } from '../auth/jwt.service';
import type { UsersRepository } from '../users/users.repository';
import { WechatApi } from './wechat-api';
import { WechatIdentitiesRepository } from './wechat-identities.repository';
import { wechatLoginSettings } from './wechat-login.config';
import { wechatLoginRoutes } from './wechat-login.routes';
import { WechatLoginService } from './wechat-login.service';

export interface WechatLoginModuleDeps {
  jwt: JwtService;
  users: UsersRepository;
  /** Phone verification for linking a first-time WeChat person. */
  auth: AuthService;
}

/** WeChat sign-in (website QR login, mini-program), each WeChat person linked to one phone account. */
export function createWechatLoginModule(ctx: AppContext, deps: WechatLoginModuleDeps): Module {
  const logger = ctx.logger.child({ component: 'wechat-login' });
  const service = new WechatLoginService({
    ds: ctx.db,
    kv: ctx.kv,
    users: deps.users,
    identities: new WechatIdentitiesRepository(),
    auth: deps.auth,
    settings: wechatLoginSettings(ctx.config.wechatLogin),
    api: (apiUrl) => new WechatApi(apiUrl, logger),
    logger,
  });
  return { name: 'wechat-login', router: wechatLoginRoutes(ctx, { jwt: deps.jwt, kv: ctx.kv, service }), api: {} };
}
