import path from 'node:path';
import { z } from 'zod';
import {
  automationEnvShape,
  buildAutomationConfig,
  type AutomationConfig,
} from '../modules/automation/automation.config';
import { auditEnvShape, buildAuditConfig, type AuditConfig } from '../modules/tasks/audit.config';
import { buildLimitsConfig, limitsEnvShape, type LimitsConfig } from './limits.config';
import { buildCreditsConfig, creditsEnvShape, type CreditsConfig } from '../modules/credits/credits.config';
import { buildFromUrlConfig, fromUrlEnvShape, type FromUrlConfig } from '../modules/media/from-url.config';
import {
  buildPaymentsConfig,
  paymentsConfigProblems,
  paymentsEnvShape,
  type PaymentsConfig,
} from '../modules/payments/payments.config';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';
import {
  buildWechatLoginConfig,
  wechatLoginConfigProblems,
  wechatLoginEnvShape,
  type WechatLoginConfig,
} from '../modules/wechat-login/wechat-login.config';
import { loadOrCreateLocalSecrets, weakSecretProblem, type LocalSecretName } from './secrets';

/**
 * The one typed configuration object, built once at start-up from the environment
 * (and, for runtime-tunable values, overridden later by the `settings` table).
 * Every variable is documented in `.env.example`. A module that owns variables keeps them in its
 * `<name>.config.ts`: the env shape (spread into the schema below) and a `build<Name>Config(env)`
 * whose typed result is one block of AppConfig. Module config files import nothing from here (no
 * cycle); modules read only AppConfig's blocks, never the raw environment.
 */

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z.string().default('1mb'),
  // false, a hop count or proxy addresses/CIDRs (config/trust-proxy.ts); never a blanket true.
  TRUST_PROXY: z.string().optional(),

  DATABASE_URL: z
    .string()
    .regex(/^mysql:\/\//, 'must be a mysql:// URL (leave it unset for the embedded SQLite database)')
    .optional(),
  DATABASE_POOL_SIZE: int(10, 1),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().default('aiphoto:'),

  // Unset outside production: generated once into $DATA_DIR/secrets.json (config/secrets.ts).
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  JWT_TTL_SECONDS: int(7 * 24 * 3600, 60),
  // How long a replica trusts a merchant's token version it read (sign out everywhere is announced
  // to every replica at once; this bounds an announcement lost in a Redis outage).
  SESSION_CACHE_SECONDS: int(10, 0),
  // Keys the HMAC of stored SMS codes; derived from JWT_SECRET when unset.
  AUTH_CODE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  N8N_SHARED_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  N8N_BASE_URL: z.url().optional(),
  // Where operators open the n8n editor (the console links there); defaults to N8N_BASE_URL.
  N8N_EDITOR_URL: z.url().optional(),
  // The n8n owner login (the one npm start creates): the backend stops a canceled task's running
  // execution through n8n's REST API with it (2.8.4's public API cannot stop executions).
  N8N_OWNER_EMAIL: z.string().max(254).optional(),
  N8N_OWNER_PASSWORD: z.string().max(64).optional(),

  VENDOR_MODE: z.enum(['sandbox', 'live']).default('sandbox'),
  SANDBOX_URL: z.url().default('http://127.0.0.1:9400'),

  // Tencent Cloud SMS; required with VENDOR_MODE=live, placeholders are used against the sandbox.
  SMS_SECRET_ID: z.string().optional(),
  SMS_SECRET_KEY: z.string().optional(),
  SMS_SDK_APP_ID: z.string().optional(),
  SMS_SIGN_NAME: z.string().optional(),
  SMS_TEMPLATE_ID: z.string().optional(),
  SMS_REGION: z.string().default('ap-guangzhou'),
  // Against SMS pumping: calling codes codes may be sent to, and daily caps (runtime-tunable).
  SMS_ALLOWED_COUNTRY_CODES: z
    .string()
    .default('+86')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^\+[1-9]\d{0,3}$/, 'each must be a calling code such as +86')).min(1)),
  SMS_PER_PHONE_PER_DAY: int(10, 1),
  SMS_DAILY_BUDGET: int(2000, 1),

  // Object storage (Tencent COS). Required with VENDOR_MODE=live; in sandbox mode they default
  // to the sandbox's own development values (SANDBOX_COS_* are what the sandbox is started with).
  COS_SECRET_ID: z.string().optional(),
  COS_SECRET_KEY: z.string().optional(),
  COS_BUCKET: z
    .string()
    .regex(/^[a-z0-9-]+-\d+$/, 'must be <name>-<appid>, e.g. aiphoto-1250000000')
    .optional(),
  COS_REGION: z.string().default('ap-guangzhou'),
  COS_APP_ID: z.string().regex(/^\d+$/, 'must be the numeric APPID').optional(),
  COS_STS_DURATION_SECONDS: int(1800, 60).pipe(z.number().max(1800, 'at most 1800 (30 minutes)')),
  SANDBOX_COS_SECRET_ID: z.string().optional(),
  SANDBOX_COS_SECRET_KEY: z.string().optional(),
  UPLOAD_MAX_BYTES: int(20 * 1024 * 1024, 1024),
  // Largest accepted image in pixels (width × height, before any decoding): decompression bombs.
  UPLOAD_MAX_PIXELS: int(40_000_000, 10_000),
  // How the portal uploads: through POST /uploads, or straight to COS with STS credentials.
  // Default: server with the sandbox, direct with live vendors.
  UPLOAD_MODE: z.enum(['server', 'direct']).optional(),
  // Images fetched by URL (modules/media/from-url.config.ts documents each).
  ...fromUrlEnvShape,

  ADMIN_BOOTSTRAP_USERNAME: z.string().min(3).default('admin'),
  // Unset: a random one is generated when the first admin is created and printed once.
  ADMIN_BOOTSTRAP_PASSWORD: z
    .string()
    .min(10, 'must be at least 10 characters')
    .regex(/[A-Za-z]/, 'needs a letter')
    .regex(/\d/, 'needs a digit')
    .optional(),

  PLAN_MONTHLY_QUOTA: int(100, 1),
  MEMBERSHIP_PRICE: int(9900, 1),
  MEMBERSHIP_DAYS: int(30, 1),

  RATE_LIMIT_API_PER_15MIN: int(1000, 1),

  // Payments (modules/payments/payments.config.ts documents each).
  ...paymentsEnvShape,

  TASK_WATCHDOG_INTERVAL_MS: int(5000, 50),
  OUTBOX_POLL_INTERVAL_MS: int(500, 10),
  OUTBOX_MAX_BACKOFF_MS: int(30000, 100),
  INPUT_URL_TTL_SECONDS: int(3600, 60),
  RESULT_URL_TTL_SECONDS: int(1800, 60),

  // Merchant automation (modules/automation/automation.config.ts documents each).
  ...automationEnvShape,
  // Content audit of task inputs (modules/tasks/audit.config.ts).
  ...auditEnvShape,

  // Resource limits: sockets, uploads, password hashing (config/limits.config.ts).
  ...limitsEnvShape,
  // Credit packs, check-in and invites (modules/credits/credits.config.ts documents each).
  ...creditsEnvShape,
  // WeChat sign-in (modules/wechat-login/wechat-login.config.ts documents each).
  ...wechatLoginEnvShape,
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  http: {
    host: string;
    port: number;
    publicBaseUrl: string;
    bodyLimit: string;
    trustProxy: TrustProxy;
    /**
     * Level of the one line per answered request: `debug` in the embedded default (a terminal
     * stays readable; LOG_LEVEL=debug shows them), `info` in production. 5xx are always `error`.
     */
    requestLogLevel: 'debug' | 'info';
  };
  /** Settings that were accepted but deserve a line in the log at start. */
  warnings: string[];
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  database: { type: 'sqlite'; file: string } | { type: 'mysql'; url: string; poolSize: number };
  redis: { url: string; keyPrefix: string } | null;
  auth: { jwtSecret: string; jwtTtlSeconds: number; codeSecret: string | null; sessionCacheSeconds: number };
  n8n: {
    baseUrl: string | null;
    sharedSecret: string;
    /** The editor operators open, for links from the console; null when neither URL is set. */
    editorUrl: string | null;
    /** The login the backend uses to stop executions; null when not configured (cancel then stops nothing in n8n). */
    owner: { email: string; password: string } | null;
  };
  vendors: { mode: 'sandbox' | 'live'; sandboxUrl: string };
  sms: {
    secretId: string | null;
    secretKey: string | null;
    sdkAppId: string | null;
    signName: string | null;
    templateId: string | null;
    region: string;
    /** Calling codes (`+86`, `+852`, …) login codes may be sent to. */
    allowedCountryCodes: string[];
    /** Env defaults of the settings `sms.per_phone_per_day` and `sms.daily_budget`. */
    perPhonePerDay: number;
    dailyBudget: number;
  };
  storage: {
    /** Null in live mode when unset; the storage factory then names what is missing. */
    secretId: string | null;
    secretKey: string | null;
    bucket: string | null;
    region: string;
    appId: string | null;
    stsDurationSeconds: number;
    uploadMaxBytes: number;
    /** Largest accepted width × height (413 IMAGE_TOO_MANY_PIXELS above it). */
    uploadMaxPixels: number;
    /** What the portal is told to use (`GET /api/v1/uploads/config`). */
    uploadMode: 'server' | 'direct';
  };
  /**
   * The first console account. `password` is null when ADMIN_BOOTSTRAP_PASSWORD is unset: a
   * random one is generated if the account is created now and shown once, never a fixed value.
   */
  adminBootstrap: { username: string; password: string | null };
  /** True with NODE_ENV=production or VENDOR_MODE=live (real vendors and payment gateways). */
  deployed: boolean;
  plan: { monthlyQuota: number; priceFen: number; days: number };
  payments: PaymentsConfig;
  rateLimit: { apiPer15Min: number };
  tasks: {
    watchdogIntervalMs: number;
    outboxPollIntervalMs: number;
    outboxMaxBackoffMs: number;
    inputUrlTtlSeconds: number;
    resultUrlTtlSeconds: number;
  };
  /** Per-module blocks, each built by its module's `<name>.config.ts`. */
  automation: AutomationConfig;
  fromUrl: FromUrlConfig;
  credits: CreditsConfig;
  audit: AuditConfig;
  wechatLogin: WechatLoginConfig;
  /** Resource limits of this process (config/limits.config.ts). */
  limits: LimitsConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `source` (normally `process.env`) and fails fast naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings in .env files mean "not set", not "set to empty".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  const payments = buildPaymentsConfig(env, dataDir);
  const deployed = isDeployed(env);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, env.NODE_ENV === 'production');
  const problems = [...productionProblems(env), ...secretProblems(env, deployed)];
  if (trustProxy.problem) problems.push(trustProxy.problem);
  problems.push(...wechatLoginConfigProblems(env));
  // A bad CREDIT_PACKS entry stops the start, not the first seeding of packs.
  const credits = orProblem(() => buildCreditsConfig(env), problems);
  if (problems.length || !credits) throw new ConfigError(problems);
  const paymentProblems = paymentsConfigProblems(env, payments);
  if (paymentProblems.length) throw new ConfigError(paymentProblems);
  const secrets = resolveSecrets(env, dataDir);
  const isProduction = env.NODE_ENV === 'production';
  const storage = storageConfig(env);
  return {
    env: env.NODE_ENV,
    isProduction,
    deployed,
    http: {
      host: env.HOST,
      port: env.PORT,
      publicBaseUrl: env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`,
      bodyLimit: env.BODY_LIMIT,
      trustProxy: trustProxy.value,
      requestLogLevel: env.NODE_ENV === 'production' ? 'info' : 'debug',
    },
    warnings: trustProxy.warning ? [trustProxy.warning] : [],
    dataDir,
    logLevel: env.LOG_LEVEL,
    database: env.DATABASE_URL
      ? { type: 'mysql', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { type: 'sqlite', file: path.join(dataDir, 'aiphoto.sqlite') },
    redis: env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : null,
    auth: {
      jwtSecret: secrets.JWT_SECRET,
      jwtTtlSeconds: env.JWT_TTL_SECONDS,
      codeSecret: env.AUTH_CODE_SECRET ?? null,
      sessionCacheSeconds: env.SESSION_CACHE_SECONDS,
    },
    n8n: {
      baseUrl: env.N8N_BASE_URL ?? null,
      sharedSecret: secrets.N8N_SHARED_SECRET,
      editorUrl: (env.N8N_EDITOR_URL ?? env.N8N_BASE_URL ?? '').replace(/\/+$/, '') || null,
      owner:
        env.N8N_OWNER_EMAIL && env.N8N_OWNER_PASSWORD
          ? { email: env.N8N_OWNER_EMAIL, password: env.N8N_OWNER_PASSWORD }
          : null,
    },
    vendors: { mode: env.VENDOR_MODE, sandboxUrl: env.SANDBOX_URL },
    sms: {
      secretId: env.SMS_SECRET_ID ?? null,
      secretKey: env.SMS_SECRET_KEY ?? null,
      sdkAppId: env.SMS_SDK_APP_ID ?? null,
      signName: env.SMS_SIGN_NAME ?? null,
      templateId: env.SMS_TEMPLATE_ID ?? null,
      region: env.SMS_REGION,
      allowedCountryCodes: env.SMS_ALLOWED_COUNTRY_CODES,
      perPhonePerDay: env.SMS_PER_PHONE_PER_DAY,
      dailyBudget: env.SMS_DAILY_BUDGET,
    },
    storage,
    adminBootstrap: { username: env.ADMIN_BOOTSTRAP_USERNAME, password: env.ADMIN_BOOTSTRAP_PASSWORD ?? null },
    plan: { monthlyQuota: env.PLAN_MONTHLY_QUOTA, priceFen: env.MEMBERSHIP_PRICE, days: env.MEMBERSHIP_DAYS },
    payments,
    rateLimit: { apiPer15Min: env.RATE_LIMIT_API_PER_15MIN },
    tasks: {
      watchdogIntervalMs: env.TASK_WATCHDOG_INTERVAL_MS,
      outboxPollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      outboxMaxBackoffMs: env.OUTBOX_MAX_BACKOFF_MS,
      inputUrlTtlSeconds: env.INPUT_URL_TTL_SECONDS,
      resultUrlTtlSeconds: env.RESULT_URL_TTL_SECONDS,
    },
    automation: buildAutomationConfig(env, { isProduction }),
    fromUrl: buildFromUrlConfig(env, { isProduction, uploadMaxBytes: storage.uploadMaxBytes }),
    credits,
    audit: buildAuditConfig(env),
    wechatLogin: buildWechatLoginConfig(env, { sandboxKeysFile: payments.sandboxKeysFile }),
    limits: buildLimitsConfig(env),
  };
}

/** What `build` returns, or undefined with its error's message added to `problems`. */
function orProblem<T>(build: () => T, problems: string[]): T | undefined {
  try {
    return build();
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

/** Development values of the vendor sandbox's COS (sandbox/src/main.ts uses the same). */
export const SANDBOX_COS_DEFAULTS = {
  secretId: 'AKIDsandboxLocalOnly',
  secretKey: 'sandbox-local-only-secret-key',
  bucket: 'aiphoto-1250000000',
} as const;

function storageConfig(env: Env): AppConfig['storage'] {
  const sandbox = env.VENDOR_MODE === 'sandbox';
  const bucket = env.COS_BUCKET ?? (sandbox ? SANDBOX_COS_DEFAULTS.bucket : null);
  return {
    secretId: env.COS_SECRET_ID ?? (sandbox ? (env.SANDBOX_COS_SECRET_ID ?? SANDBOX_COS_DEFAULTS.secretId) : null),
    secretKey: env.COS_SECRET_KEY ?? (sandbox ? (env.SANDBOX_COS_SECRET_KEY ?? SANDBOX_COS_DEFAULTS.secretKey) : null),
    bucket,
    region: env.COS_REGION,
    // The APPID is the bucket name's numeric suffix unless given explicitly.
    appId: env.COS_APP_ID ?? bucket?.slice(bucket.lastIndexOf('-') + 1) ?? null,
    stsDurationSeconds: env.COS_STS_DURATION_SECONDS,
    uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    uploadMaxPixels: env.UPLOAD_MAX_PIXELS,
    // Live COS takes the bytes directly (no trip through our servers); the sandbox keeps the
    // simpler server path unless a test or a developer asks for direct uploads.
    uploadMode: env.UPLOAD_MODE ?? (sandbox ? 'server' : 'direct'),
  };
}

const SIGNING_SECRETS: LocalSecretName[] = ['JWT_SECRET', 'N8N_SHARED_SECRET'];

/**
 * What is deployed, not only what NODE_ENV says: real vendors (VENDOR_MODE=live, which is also
 * what points WeChat Pay and Alipay at the real gateways) get the production rules for secrets.
 */
function isDeployed(env: Env): boolean {
  return env.NODE_ENV === 'production' || env.VENDOR_MODE === 'live';
}

/** Published values are refused everywhere; deployed systems also refuse short or repetitive ones. */
function secretProblems(env: Env, deployed: boolean): string[] {
  const problems: string[] = [];
  for (const name of [...SIGNING_SECRETS, 'AUTH_CODE_SECRET', 'ADMIN_BOOTSTRAP_PASSWORD'] as const) {
    const value = env[name];
    // The admin password follows the console's own rules (checked by the schema), not the key length.
    const problem = value && weakSecretProblem(name, value, deployed && name !== 'ADMIN_BOOTSTRAP_PASSWORD');
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * The signing secrets in use: the environment's, else (outside production, which must set them
 * so every replica agrees) the ones generated into the data folder.
 */
function resolveSecrets(env: Env, dataDir: string): Record<LocalSecretName, string> {
  if (env.JWT_SECRET && env.N8N_SHARED_SECRET)
    return { JWT_SECRET: env.JWT_SECRET, N8N_SHARED_SECRET: env.N8N_SHARED_SECRET };
  const local = loadOrCreateLocalSecrets(dataDir);
  return {
    JWT_SECRET: env.JWT_SECRET ?? local.JWT_SECRET,
    N8N_SHARED_SECRET: env.N8N_SHARED_SECRET ?? local.N8N_SHARED_SECRET,
  };
}

/** Production refuses missing secrets, sandbox vendors and the embedded stand-ins. */
function productionProblems(env: Env): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  for (const name of SIGNING_SECRETS) {
    if (!env[name]) {
      problems.push(
        `${name}: production requires it to be set (every replica and n8n must share it); use a random value`,
      );
    }
  }
  if (env.VENDOR_MODE !== 'live') problems.push('VENDOR_MODE: production requires "live" vendors, not the sandbox');
  if (!env.DATABASE_URL)
    problems.push('DATABASE_URL: production requires MySQL (the embedded SQLite is for local use)');
  if (!env.REDIS_URL)
    problems.push('REDIS_URL: production requires Redis (rate limits, nonces and pub/sub across replicas)');
  if (!env.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: production requires the public URL of the backend');
  return problems;
}
