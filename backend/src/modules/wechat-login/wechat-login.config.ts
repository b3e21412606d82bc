import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AppConfig } from '../../config/config';

/**
 * WeChat sign-in settings, merged into the one env schema of config/config.ts (`.env.example`
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

type WechatLoginEnv = z.output<z.ZodObject<typeof wechatLoginEnvShape>> & {
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

/**
 * The settings in force, resolved on first use: with VENDOR_MODE=sandbox (never in production) and
 * no app ids of its own, sign-in uses the apps the sandbox generated (its key file may be written
 * after the backend starts) and the sandbox's URLs.
 */
export function wechatLoginSettings(config: AppConfig): () => WechatLoginSettings {
  const env = config.raw;
  const publicBase = bare(env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`);
  const redirectUrl = env.WECHAT_LOGIN_REDIRECT_URL ?? `${publicBase}/login/wechat`;
  const app = (id?: string, secret?: string) => (id && secret ? { appId: id, secret } : null);
  const own = {
    web: app(env.WECHAT_LOGIN_WEB_APP_ID, env.WECHAT_LOGIN_WEB_APP_SECRET),
    mini: app(env.WECHAT_LOGIN_MINI_APP_ID, env.WECHAT_LOGIN_MINI_APP_SECRET),
  };
  const sandbox = env.VENDOR_MODE === 'sandbox' && !config.isProduction && !own.web && !own.mini;
  if (!sandbox) {
    const settings: WechatLoginSettings = {
      ...own,
      openUrl: bare(env.WECHAT_LOGIN_OPEN_URL ?? OFFICIAL.open),
      apiUrl: bare(env.WECHAT_LOGIN_API_URL ?? OFFICIAL.api),
      redirectUrl,
    };
    return () => settings;
  }
  const keysFile = config.payments.sandboxKeysFile;
  let resolved: WechatLoginSettings | null = null;
  return () => {
    if (resolved) return resolved;
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as SandboxKeyFile;
    if (!keys.wechatLogin)
      throw new Error(`${path.basename(keysFile)} has no WeChat sign-in apps; restart the sandbox`);
    resolved = {
      web: { appId: keys.wechatLogin.webAppId, secret: keys.wechatLogin.webSecret },
      mini: { appId: keys.appid, secret: keys.wechatLogin.miniSecret },
      openUrl: bare(env.WECHAT_LOGIN_OPEN_URL ?? env.SANDBOX_URL),
      apiUrl: bare(env.WECHAT_LOGIN_API_URL ?? env.SANDBOX_URL),
      redirectUrl,
    };
    return resolved;
  };
}

/** Whether sign-in will use the sandbox's apps (so the portal can offer it before the key file exists). */
export function wechatLoginUsesSandbox(config: AppConfig): boolean {
  const env = config.raw;
  return (
    env.VENDOR_MODE === 'sandbox' &&
    !config.isProduction &&
    !(env.WECHAT_LOGIN_WEB_APP_ID && env.WECHAT_LOGIN_WEB_APP_SECRET) &&
    !(env.WECHAT_LOGIN_MINI_APP_ID && env.WECHAT_LOGIN_MINI_APP_SECRET)
  );
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
