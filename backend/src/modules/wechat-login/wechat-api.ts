import { AppError, ServiceUnavailableError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import type { WechatApp } from './wechat-login.config';

/** What WeChat tells us about a person: the app's openid, the account-wide unionid when known. */
export interface WechatProfile {
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatarUrl: string | null;
}

/** errcodes that mean the code (or its token) is not good: the person has to start again. */
const BAD_CODE = new Set([40029, 40163, 41008, 40001, 42001, 40003]);

const codeInvalid = () =>
  new AppError(400, 'WECHAT_CODE_INVALID', 'The WeChat authorization expired or was already used; start again');

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * The few WeChat server APIs sign-in needs (`api.weixin.qq.com`): the OAuth2 code exchange and
 * user info of the website app, and `jscode2session` of the mini-program. WeChat answers errors as
 * HTTP 200 with `{ errcode, errmsg }`. The app secret travels in the query string, so request URLs
 * are never logged.
 */
export class WechatApi {
  constructor(
    private readonly apiUrl: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  /** `sns/oauth2/access_token` then `sns/userinfo` (snsapi_login). */
  async webProfile(app: WechatApp, code: string): Promise<WechatProfile> {
    const token = await this.call('sns/oauth2/access_token', {
      appid: app.appId,
      secret: app.secret,
      code,
      grant_type: 'authorization_code',
    });
    const accessToken = str(token.access_token);
    const openid = str(token.openid);
    if (!accessToken || !openid) throw this.unexpected('sns/oauth2/access_token');
    const info = await this.call('sns/userinfo', { access_token: accessToken, openid });
    return {
      openid,
      unionid: str(info.unionid) ?? str(token.unionid),
      nickname: str(info.nickname)?.slice(0, 64) ?? null,
      avatarUrl: httpsOrSandboxUrl(str(info.headimgurl)),
    };
  }

  /** `sns/jscode2session`: the mini-program's `wx.login()` code → openid (and unionid). */
  async miniProfile(app: WechatApp, jsCode: string): Promise<WechatProfile> {
    const session = await this.call('sns/jscode2session', {
      appid: app.appId,
      secret: app.secret,
      js_code: jsCode,
      grant_type: 'authorization_code',
    });
    const openid = str(session.openid);
    if (!openid) throw this.unexpected('sns/jscode2session');
    // session_key stays unused: we never decrypt the client's encrypted data.
    return { openid, unionid: str(session.unionid), nickname: null, avatarUrl: null };
  }

  private async call(path: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    let body: Record<string, unknown>;
    try {
      const res = await fetch(`${this.apiUrl}/${path}?${new URLSearchParams(params)}`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = (await res.json()) as Record<string, unknown>;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, api: path }, 'WeChat API unreachable');
      throw unavailable();
    }
    const errcode = Number(body.errcode ?? 0);
    if (errcode === 0) return body;
    this.logger.info({ api: path, errcode, errmsg: body.errmsg }, 'WeChat API refused');
    if (BAD_CODE.has(errcode)) throw codeInvalid();
    throw unavailable();
  }

  private unexpected(api: string): Error {
    this.logger.warn({ api }, 'WeChat API answered without the expected fields');
    return unavailable();
  }
}

const unavailable = () =>
  new ServiceUnavailableError(
    'WeChat sign-in is unavailable right now; try again or use your phone',
    'WECHAT_UNAVAILABLE',
  );

/** Keeps an avatar URL only if it is http(s) (WeChat's are https; the sandbox's are http). */
function httpsOrSandboxUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && value.length <= 512 ? value : null;
  } catch {
    return null;
  }
}
