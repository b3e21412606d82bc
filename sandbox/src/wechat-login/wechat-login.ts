import { createHmac, randomBytes } from 'node:crypto';
import type { SandboxKeys } from '../keys';

/** How long an authorization code may be exchanged (WeChat: 5 minutes, once). */
export const CODE_TTL_MS = 5 * 60 * 1000;
/** access_token lifetime WeChat answers (`expires_in`). */
export const ACCESS_TOKEN_SECONDS = 7200;
/** How long a QR login page waits for a scan before it shows "expired". */
export const QR_SESSION_TTL_MS = 5 * 60 * 1000;

/** The WeChat errcodes the sandbox answers, as the real API does (HTTP 200 with errcode/errmsg). */
export const WX_ERRORS = {
  invalidAppid: { errcode: 40013, errmsg: 'invalid appid' },
  invalidSecret: { errcode: 40125, errmsg: 'invalid appsecret' },
  invalidCode: { errcode: 40029, errmsg: 'invalid code' },
  codeUsed: { errcode: 40163, errmsg: 'code been used' },
  invalidGrant: { errcode: 40002, errmsg: 'invalid grant_type' },
  invalidToken: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' },
  tokenExpired: { errcode: 42001, errmsg: 'access_token expired' },
  invalidOpenid: { errcode: 40003, errmsg: 'invalid openid' },
} as const;

export type LoginApp = 'web' | 'mini';

/** One WeChat user as the sandbox plays them: a name typed on the phone page or given to wx.login(). */
export interface WechatPerson {
  name: string;
  openid: string;
  unionid: string;
}

interface QrSession {
  appid: string;
  redirectUri: string;
  state: string;
  status: 'waiting' | 'scanned' | 'confirmed' | 'denied';
  code?: string;
  createdAt: number;
}

interface IssuedCode {
  app: LoginApp;
  appid: string;
  person: WechatPerson;
  expiresAt: number;
  used: boolean;
}

interface IssuedToken {
  person: WechatPerson;
  expiresAt: number;
}

/**
 * State of WeChat sign-in in the sandbox: QR login sessions, authorization codes and access
 * tokens, in memory (a restart logs everyone out, like codes expiring). The same name gives the
 * same person: one unionid across both apps and one openid per app, derived from the sandbox keys,
 * so they stay stable across restarts — the unionid mechanism of an Open Platform account.
 */
export class WechatLoginBook {
  private readonly sessions = new Map<string, QrSession>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly keys: SandboxKeys,
    private readonly now: () => number,
  ) {}

  appOf(appid: string): LoginApp | null {
    if (appid === this.keys.wechatLogin.webAppId) return 'web';
    if (appid === this.keys.appid) return 'mini';
    return null;
  }

  secretOf(app: LoginApp): string {
    return app === 'web' ? this.keys.wechatLogin.webSecret : this.keys.wechatLogin.miniSecret;
  }

  person(name: string, appid: string): WechatPerson {
    const derive = (what: string) =>
      `o${createHmac('sha256', this.keys.apiV3Key).update(what).digest('base64url').slice(0, 27)}`;
    return { name, openid: derive(`openid:${appid}:${name}`), unionid: derive(`unionid:${name}`) };
  }

  openSession(appid: string, redirectUri: string, state: string): string {
    this.sweep();
    const uuid = randomBytes(12).toString('hex');
    this.sessions.set(uuid, { appid, redirectUri, state, status: 'waiting', createdAt: this.now() });
    return uuid;
  }

  session(uuid: string): QrSession | null {
    const session = this.sessions.get(uuid);
    if (!session || this.now() - session.createdAt > QR_SESSION_TTL_MS) return null;
    return session;
  }

  /** The phone opened the QR code. */
  scanned(uuid: string): QrSession | null {
    const session = this.session(uuid);
    if (session?.status === 'waiting') session.status = 'scanned';
    return session;
  }

  /** The phone allowed (a code for `name`) or denied the login. */
  decide(uuid: string, allow: boolean, name: string): QrSession | null {
    const session = this.session(uuid);
    if (!session || session.status === 'confirmed' || session.status === 'denied') return null;
    if (!allow) {
      session.status = 'denied';
      return session;
    }
    session.code = this.issueCode('web', session.appid, this.person(name, session.appid));
    session.status = 'confirmed';
    return session;
  }

  /** Where the browser goes once the phone decided: `redirect_uri?code&state`, or `?state` when denied. */
  nextUrl(session: QrSession): string | undefined {
    if (session.status !== 'confirmed' && session.status !== 'denied') return undefined;
    const url = new URL(session.redirectUri);
    if (session.code) url.searchParams.set('code', session.code);
    url.searchParams.set('state', session.state);
    return url.toString();
  }

  issueCode(app: LoginApp, appid: string, person: WechatPerson): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { app, appid, person, expiresAt: this.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** Exchanges a code once; the errcode WeChat answers otherwise. */
  redeem(code: string, app: LoginApp, appid: string): { person: WechatPerson } | { error: keyof typeof WX_ERRORS } {
    const issued = this.codes.get(code);
    if (!issued || issued.app !== app || issued.appid !== appid || issued.expiresAt <= this.now())
      return { error: 'invalidCode' };
    if (issued.used) return { error: 'codeUsed' };
    issued.used = true;
    return { person: issued.person };
  }

  issueToken(person: WechatPerson): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { person, expiresAt: this.now() + ACCESS_TOKEN_SECONDS * 1000 });
    return token;
  }

  token(token: string): IssuedToken | { error: keyof typeof WX_ERRORS } {
    const issued = this.tokens.get(token);
    if (!issued) return { error: 'invalidToken' };
    if (issued.expiresAt <= this.now()) return { error: 'tokenExpired' };
    return issued;
  }

  private sweep(): void {
    const now = this.now();
    for (const [uuid, s] of this.sessions) if (now - s.createdAt > QR_SESSION_TTL_MS) this.sessions.delete(uuid);
    for (const [code, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(code);
    for (const [token, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(token);
  }
}
