import path from 'node:path';
import { z } from 'zod';

export type ChannelName = 'wechat' | 'alipay' | 'sandbox';
const CHANNELS: readonly ChannelName[] = ['wechat', 'alipay', 'sandbox'];

/** How the payer pays: WeChat Native QR / H5 / JSAPI, Alipay page / WAP / precreate QR. */
export type WechatScene = 'native' | 'h5' | 'jsapi';
export type AlipayScene = 'page' | 'wap' | 'qr';
export type PayScene = WechatScene | AlipayScene;
export const WECHAT_SCENES: readonly WechatScene[] = ['native', 'h5', 'jsapi'];
export const ALIPAY_SCENES: readonly AlipayScene[] = ['page', 'wap', 'qr'];

const seconds = (def: number) => z.coerce.number().int().min(1).default(def);

/**
 * Payment variables, merged into the one env schema of config/config.ts. Keys accept PEM text
 * (`\n` escapes allowed, for one-line .env values) or `file:///absolute/path.pem`.
 */
export const paymentsEnvShape = {
  /** Comma list; default `wechat,alipay,sandbox` with VENDOR_MODE=sandbox (all against the sandbox), none live. */
  PAYMENT_CHANNELS: z.string().optional(),
  /** Comma lists of the scenes offered; defaults: every scene against the sandbox, `native,jsapi` / `page,wap` live. */
  WECHATPAY_SCENES: z.string().optional(),
  ALIPAY_SCENES: z.string().optional(),
  /** Where Alipay's return_url and WeChat H5's redirect_url send the payer (default <PUBLIC_BASE_URL>/billing/return). */
  PAYMENT_RETURN_URL: z.url().optional(),
  /** How long the payer has to pay (sent as the channel's time_expire; the portal counts down). */
  ORDER_PAY_TIMEOUT_SECONDS: seconds(900),
  WECHATPAY_MCHID: z.string().optional(),
  WECHATPAY_APPID: z.string().optional(),
  WECHATPAY_MERCHANT_SERIAL: z.string().optional(),
  WECHATPAY_MERCHANT_PRIVATE_KEY: z.string().optional(),
  WECHATPAY_PUBLIC_KEY: z.string().optional(),
  WECHATPAY_PUBLIC_KEY_ID: z
    .string()
    .regex(/^PUB_KEY_ID_/, 'must be the PUB_KEY_ID_… of the WeChat Pay public key')
    .optional(),
  WECHATPAY_APIV3_KEY: z.string().length(32, 'must be the 32-character APIv3 key').optional(),
  WECHATPAY_BASE_URL: z.url().default('https://api.mch.weixin.qq.com/'),
  ALIPAY_APP_ID: z.string().optional(),
  ALIPAY_PRIVATE_KEY: z.string().optional(),
  ALIPAY_PUBLIC_KEY: z.string().optional(),
  ALIPAY_SELLER_ID: z.string().optional(),
  ALIPAY_GATEWAY: z.url().default('https://openapi.alipay.com/gateway.do'),
  /** Key file written by the sandbox (`loadOrCreateSandboxKeys`); default `<DATA_DIR>/sandbox-keys.json`. */
  SANDBOX_PAY_KEYS_FILE: z.string().optional(),
  ORDER_QUERY_AFTER_SECONDS: seconds(120),
  ORDER_CLOSE_AFTER_SECONDS: seconds(2 * 3600),
  PAYMENT_SWEEP_INTERVAL_SECONDS: seconds(60),
  MEMBERSHIP_SWEEP_INTERVAL_SECONDS: seconds(300),
};

type PaymentsEnv = z.output<z.ZodObject<typeof paymentsEnvShape>> & {
  VENDOR_MODE: 'sandbox' | 'live';
  PUBLIC_BASE_URL?: string;
  HOST: string;
  PORT: number;
};

export interface WechatPayConfig {
  mchid: string;
  appid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  publicKey: string;
  publicKeyId: string;
  apiV3Key: string;
  baseUrl: string;
}

export interface AlipayConfig {
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
  sellerId: string | null;
  gateway: string;
}

export interface PaymentsConfig {
  channels: ChannelName[];
  /** Null when not configured: then, in sandbox vendor mode, the sandbox's generated keys are used. */
  wechat: WechatPayConfig | null;
  alipay: AlipayConfig | null;
  /** VENDOR_MODE=sandbox: unconfigured wechat/alipay talk to the sandbox with its key file. */
  useSandboxVendors: boolean;
  wechatScenes: WechatScene[];
  alipayScenes: AlipayScene[];
  /** Base of the payer's way back (`?orderId=` is appended). */
  returnUrl: string;
  payTimeoutSeconds: number;
  sandboxKeysFile: string;
  queryAfterSeconds: number;
  closeAfterSeconds: number;
  sweepIntervalSeconds: number;
  membershipSweepIntervalSeconds: number;
}

const pem = (value: string) => value.replace(/\\n/g, '\n');
const list = (value: string) =>
  value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);

export function buildPaymentsConfig(env: PaymentsEnv, dataDir: string): PaymentsConfig {
  const sandbox = env.VENDOR_MODE === 'sandbox';
  const channels = env.PAYMENT_CHANNELS
    ? (list(env.PAYMENT_CHANNELS) as ChannelName[])
    : sandbox
      ? (['wechat', 'alipay', 'sandbox'] as const).slice()
      : [];
  const w = env;
  const wechat =
    w.WECHATPAY_MCHID &&
    w.WECHATPAY_APPID &&
    w.WECHATPAY_MERCHANT_SERIAL &&
    w.WECHATPAY_MERCHANT_PRIVATE_KEY &&
    w.WECHATPAY_PUBLIC_KEY &&
    w.WECHATPAY_PUBLIC_KEY_ID &&
    w.WECHATPAY_APIV3_KEY
      ? {
          mchid: w.WECHATPAY_MCHID,
          appid: w.WECHATPAY_APPID,
          merchantSerial: w.WECHATPAY_MERCHANT_SERIAL,
          merchantPrivateKey: pem(w.WECHATPAY_MERCHANT_PRIVATE_KEY),
          publicKey: pem(w.WECHATPAY_PUBLIC_KEY),
          publicKeyId: w.WECHATPAY_PUBLIC_KEY_ID,
          apiV3Key: w.WECHATPAY_APIV3_KEY,
          baseUrl: w.WECHATPAY_BASE_URL,
        }
      : null;
  const alipay =
    env.ALIPAY_APP_ID && env.ALIPAY_PRIVATE_KEY && env.ALIPAY_PUBLIC_KEY
      ? {
          appId: env.ALIPAY_APP_ID,
          privateKey: pem(env.ALIPAY_PRIVATE_KEY),
          alipayPublicKey: pem(env.ALIPAY_PUBLIC_KEY),
          sellerId: env.ALIPAY_SELLER_ID ?? null,
          gateway: env.ALIPAY_GATEWAY,
        }
      : null;
  const publicBase = (env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, '');
  return {
    channels,
    wechat,
    alipay,
    useSandboxVendors: sandbox,
    wechatScenes: (env.WECHATPAY_SCENES
      ? list(env.WECHATPAY_SCENES)
      : sandbox
        ? WECHAT_SCENES
        : ['native', 'jsapi']) as WechatScene[],
    alipayScenes: (env.ALIPAY_SCENES
      ? list(env.ALIPAY_SCENES)
      : sandbox
        ? ALIPAY_SCENES
        : ['page', 'wap']) as AlipayScene[],
    returnUrl: env.PAYMENT_RETURN_URL ?? `${publicBase}/billing/return`,
    payTimeoutSeconds: env.ORDER_PAY_TIMEOUT_SECONDS,
    sandboxKeysFile: path.resolve(dataDir, env.SANDBOX_PAY_KEYS_FILE ?? 'sandbox-keys.json'),
    queryAfterSeconds: env.ORDER_QUERY_AFTER_SECONDS,
    closeAfterSeconds: env.ORDER_CLOSE_AFTER_SECONDS,
    sweepIntervalSeconds: env.PAYMENT_SWEEP_INTERVAL_SECONDS,
    membershipSweepIntervalSeconds: env.MEMBERSHIP_SWEEP_INTERVAL_SECONDS,
  };
}

/** Problems that must stop start-up: unknown or unconfigured channels, sandbox in production. */
export function paymentsConfigProblems(env: PaymentsEnv & { NODE_ENV: string }, config: PaymentsConfig): string[] {
  const problems: string[] = [];
  for (const c of config.channels) {
    if (!CHANNELS.includes(c)) problems.push(`PAYMENT_CHANNELS: unknown channel "${c}" (use ${CHANNELS.join(', ')})`);
  }
  for (const scene of config.wechatScenes) {
    if (!WECHAT_SCENES.includes(scene))
      problems.push(`WECHATPAY_SCENES: unknown scene "${scene}" (use ${WECHAT_SCENES.join(', ')})`);
  }
  for (const scene of config.alipayScenes) {
    if (!ALIPAY_SCENES.includes(scene))
      problems.push(`ALIPAY_SCENES: unknown scene "${scene}" (use ${ALIPAY_SCENES.join(', ')})`);
  }
  if (config.closeAfterSeconds < config.payTimeoutSeconds) {
    problems.push('ORDER_CLOSE_AFTER_SECONDS: must not be shorter than ORDER_PAY_TIMEOUT_SECONDS');
  }
  if (config.channels.includes('wechat') && !config.wechat && !config.useSandboxVendors) {
    problems.push(
      'PAYMENT_CHANNELS: "wechat" needs WECHATPAY_MCHID, _APPID, _MERCHANT_SERIAL, _MERCHANT_PRIVATE_KEY, _PUBLIC_KEY, _PUBLIC_KEY_ID and _APIV3_KEY',
    );
  }
  if (config.channels.includes('alipay') && !config.alipay && !config.useSandboxVendors) {
    problems.push('PAYMENT_CHANNELS: "alipay" needs ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY');
  }
  if (env.NODE_ENV === 'production' && config.channels.includes('sandbox')) {
    problems.push('PAYMENT_CHANNELS: the sandbox channel is not allowed in production');
  }
  return problems;
}
