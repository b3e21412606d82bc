import path from 'node:path';
import { z } from 'zod';

export type ChannelName = 'wechat' | 'alipay' | 'sandbox';
const CHANNELS: readonly ChannelName[] = ['wechat', 'alipay', 'sandbox'];

const seconds = (def: number) => z.coerce.number().int().min(1).default(def);

/**
 * Payment variables, merged into the one env schema of config/config.ts. Keys accept PEM text
 * (`\n` escapes allowed, for one-line .env values) or `file:///absolute/path.pem`.
 */
export const paymentsEnvShape = {
  /** Comma list; default `sandbox` with VENDOR_MODE=sandbox, none in live mode. */
  PAYMENT_CHANNELS: z.string().optional(),
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
  ALIPAY_PAY_MODE: z.enum(['page', 'precreate']).default('page'),
  ALIPAY_RETURN_URL: z.url().optional(),
  /** Key file written by the sandbox (`loadOrCreateSandboxKeys`); default `<DATA_DIR>/sandbox-keys.json`. */
  SANDBOX_PAY_KEYS_FILE: z.string().optional(),
  ORDER_QUERY_AFTER_SECONDS: seconds(120),
  ORDER_CLOSE_AFTER_SECONDS: seconds(2 * 3600),
  PAYMENT_SWEEP_INTERVAL_SECONDS: seconds(60),
  MEMBERSHIP_SWEEP_INTERVAL_SECONDS: seconds(300),
};

type PaymentsEnv = z.output<z.ZodObject<typeof paymentsEnvShape>> & { VENDOR_MODE: 'sandbox' | 'live' };

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
  payMode: 'page' | 'precreate';
  returnUrl: string | null;
}

export interface PaymentsConfig {
  channels: ChannelName[];
  wechat: WechatPayConfig | null;
  alipay: AlipayConfig | null;
  sandboxKeysFile: string;
  queryAfterSeconds: number;
  closeAfterSeconds: number;
  sweepIntervalSeconds: number;
  membershipSweepIntervalSeconds: number;
}

const pem = (value: string) => value.replace(/\\n/g, '\n');

export function buildPaymentsConfig(env: PaymentsEnv, dataDir: string): PaymentsConfig {
  const channels = env.PAYMENT_CHANNELS
    ? (env.PAYMENT_CHANNELS.split(',')
        .map((c) => c.trim())
        .filter(Boolean) as ChannelName[])
    : env.VENDOR_MODE === 'sandbox'
      ? ['sandbox' as const]
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
          payMode: env.ALIPAY_PAY_MODE,
          returnUrl: env.ALIPAY_RETURN_URL ?? null,
        }
      : null;
  return {
    channels,
    wechat,
    alipay,
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
  if (config.channels.includes('wechat') && !config.wechat) {
    problems.push(
      'PAYMENT_CHANNELS: "wechat" needs WECHATPAY_MCHID, _APPID, _MERCHANT_SERIAL, _MERCHANT_PRIVATE_KEY, _PUBLIC_KEY, _PUBLIC_KEY_ID and _APIV3_KEY',
    );
  }
  if (config.channels.includes('alipay') && !config.alipay) {
    problems.push('PAYMENT_CHANNELS: "alipay" needs ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY');
  }
  if (env.NODE_ENV === 'production' && config.channels.includes('sandbox')) {
    problems.push('PAYMENT_CHANNELS: the sandbox channel is not allowed in production');
  }
  return problems;
}
