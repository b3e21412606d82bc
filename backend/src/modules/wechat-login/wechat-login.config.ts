import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * WeChat sign-in settings: this module's block of the env schema (config/config.ts spreads it in
 * and calls buildWechatLoginConfig; the module reads `ctx.config.wechatLogin`; `.env.example`
 * explains each). The website app is an Open Platform 网站应用 (QR login, `snsapi_login`); the
 * mini-program app signs in through `jscode2session`. Both should belong to one Open Platform
 * account so a person has one `unionid` across them.
 */
export const wechatLoginEnvShape = {
  WECHAT_LOGIN_WEB_APP_ID: z.string().optional(),
  WECHAT_LOGIN_WEB_APP_SECRET: z.string().optional(),
  WECHAT_LOGIN_MINI_APP_ID: z.string().optional(),
  WECHAT_LOGIN_MINI_APP_SECRET: z.string().optional(),
  /** Where WeChat sends the browser back with `code` and `state` (default `<PUBLIC_BASE_URL>/login/wechat`). */
  WECHAT_LOGIN_REDIRECT_URL: z.url().optional(),
  /** The QR login page's host (default https://open.weixin.qq.com; the sandbox's URL without own app ids). */
  WECHAT_LOGIN_OPEN_URL: z.url().optional(),
  /** The API host of `sns/oauth2/access_token`, `sns/userinfo`, `sns/jscode2session` (default https://api.weixin.qq.com). */
  WECHAT_LOGIN_API_URL: z.url().optional(),
};

export type WechatLoginEnv = z.output<z.ZodObject<typeof wechatLoginEnvShape>> & {
  NODE_ENV: string;
  VENDOR_MODE: 'sandbox' | 'live';
  SANDBOX_URL: string;
  PUBLIC_BASE_URL?: string;
  HOST: string;
  PORT: number;
};

const OFFICIAL = { open: 'https://open.weixin.qq.com', api: 'https://api.weixin.qq.com' };

export interface WechatApp {
  appId: string;
  secret: string;
}

export interface WechatLoginSettings {
  /** Null when that way of signing in is off. */
  web: WechatApp | null;
  mini: WechatApp | null;
  openUrl: string;
  apiUrl: string;
  redirectUrl: string;
}

/** The fields of the sandbox's `sandbox-keys.json` (sandbox/src/keys.ts) WeChat sign-in uses. */
interface SandboxKeyFile {
  appid: string;
  wechatLogin?: { webAppId: string; webSecret: string; miniSecret: string };
}

const bare = (url: string) => url.replace(/\/+$/, '');

/** What the environment says about WeChat sign-in, checked at start (`ctx.config.wechatLogin`). */
export interface WechatLoginConfig {
  /** This deployment's own apps; null when that way of signing in is off (or the sandbox's are used). */
  web: WechatApp | null;
  mini: WechatApp | null;
  /** WECHAT_LOGIN_OPEN_URL / _API_URL when set. */
  openUrl: string | null;
  apiUrl: string | null;
  redirectUrl: string;
  /**
   * Set when sign-in uses the apps the vendor sandbox generated: VENDOR_MODE=sandbox, never in
   * production, and no app ids of its own. The key file may be written after the backend starts.
   */
  sandbox: { keysFile: string; url: string } | null;
}

export function buildWechatLoginConfig(env: WechatLoginEnv, base: { sandboxKeysFile: string }): WechatLoginConfig {
  const publicBase = bare(env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`);
  const app = (id?: string, secret?: string) => (id && secret ? { appId: id, secret } : null);
  const web = app(env.WECHAT_LOGIN_WEB_APP_ID, env.WECHAT_LOGIN_WEB_APP_SECRET);
  const mini = app(env.WECHAT_LOGIN_MINI_APP_ID, env.WECHAT_LOGIN_MINI_APP_SECRET);
  const sandbox = env.VENDOR_MODE === 'sandbox' && env.NODE_ENV !== 'production' && !web && !mini;
  return {
    web,
    mini,
    openUrl: env.WECHAT_LOGIN_OPEN_URL ? bare(env.WECHAT_LOGIN_OPEN_URL) : null,
    apiUrl: env.WECHAT_LOGIN_API_URL ? bare(env.WECHAT_LOGIN_API_URL) : null,
    redirectUrl: env.WECHAT_LOGIN_REDIRECT_URL ?? `${publicBase}/login/wechat`,
    sandbox: sandbox ? { keysFile: base.sandboxKeysFile, url: bare(env.SANDBOX_URL) } : null,
  };
}

/**
 * The settings in force, resolved on first use: with the sandbox's apps (config.sandbox), they are
 * read from its key file when first needed, and the sandbox's URLs stand in for WeChat's.
 */
export function wechatLoginSettings(config: WechatLoginConfig): () => WechatLoginSettings {
  const { sandbox, redirectUrl } = config;
  if (!sandbox) {
    const settings: WechatLoginSettings = {
      web: config.web,
      mini: config.mini,
      openUrl: config.openUrl ?? OFFICIAL.open,
      apiUrl: config.apiUrl ?? OFFICIAL.api,
      redirectUrl,
    };
    return () => settings;
  }
  let resolved: WechatLoginSettings | null = null;
  return () => {
    if (resolved) return resolved;
    const keys = JSON.parse(readFileSync(sandbox.keysFile, 'utf8')) as SandboxKeyFile;
    if (!keys.wechatLogin)
      throw new Error(`${path.basename(sandbox.keysFile)} has no WeChat sign-in apps; restart the sandbox`);
    resolved = {
      web: { appId: keys.wechatLogin.webAppId, secret: keys.wechatLogin.webSecret },
      mini: { appId: keys.appid, secret: keys.wechatLogin.miniSecret },
      openUrl: config.openUrl ?? sandbox.url,
      apiUrl: config.apiUrl ?? sandbox.url,
      redirectUrl,
    };
    return resolved;
  };
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h) || h === '0.0.0.0';
}

/**
 * Problems that stop start-up: an app id without its secret (or the other way round) anywhere; in
 * production, WeChat endpoints that are not https or point at the sandbox or a loopback address.
 */
export function wechatLoginConfigProblems(env: WechatLoginEnv): string[] {
  const problems: string[] = [];
  for (const kind of ['WEB', 'MINI'] as const) {
    const id = env[`WECHAT_LOGIN_${kind}_APP_ID`];
    const secret = env[`WECHAT_LOGIN_${kind}_APP_SECRET`];
    if (Boolean(id) !== Boolean(secret))
      problems.push(`WECHAT_LOGIN_${kind}_APP_ID and WECHAT_LOGIN_${kind}_APP_SECRET: set both or neither`);
  }
  if (env.NODE_ENV !== 'production') return problems;
  const sandboxOrigin = new URL(env.SANDBOX_URL).origin;
  for (const name of ['WECHAT_LOGIN_OPEN_URL', 'WECHAT_LOGIN_API_URL'] as const) {
    const value = env[name];
    if (!value) continue;
    const url = new URL(value);
    if (url.protocol !== 'https:' || url.origin === sandboxOrigin || isLoopback(url.hostname))
      problems.push(`${name}: production refuses the sandbox and any non-https or loopback WeChat endpoint`);
  }
  return problems;
}
