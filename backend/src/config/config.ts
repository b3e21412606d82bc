import path from 'node:path';
import { z } from 'zod';
import {
  automationEnvShape,
  buildAutomationConfig,
  type AutomationConfig,
} from '../modules/automation/automation.config';
import { auditEnvShape, buildAuditConfig, type AuditConfig } from '../modules/tasks/audit.config';
import {
  adminBootstrapEnvShape,
  buildAdminBootstrapConfig,
  type AdminBootstrapConfig,
} from '../modules/admin-auth/admin-bootstrap.config';
import { authEnvShape, buildAuthConfig, type AuthConfig } from '../modules/auth/auth.config';
import { buildRateLimitConfig, rateLimitEnvShape, type RateLimitConfig } from '../modules/auth/rate-limit.config';
import { buildN8nConfig, n8nEnvShape, type N8nConfig } from '../modules/n8n/n8n.config';
import { buildStorageConfig, storageEnvShape, type StorageConfig } from '../modules/media/storage.config';
import { buildPlanConfig, planEnvShape, type PlanConfig } from '../modules/membership/plan.config';
import { buildSmsConfig, smsEnvShape, type SmsConfig } from '../modules/sms/sms.config';
import { buildTasksConfig, tasksEnvShape, type TasksConfig } from '../modules/tasks/tasks.config';
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
  // Merchant sign-in: token lifetime, session cache, SMS code key (modules/auth/auth.config.ts).
  ...authEnvShape,
  N8N_SHARED_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // The n8n URLs and owner login (modules/n8n/n8n.config.ts).
  ...n8nEnvShape,

  VENDOR_MODE: z.enum(['sandbox', 'live']).default('sandbox'),
  SANDBOX_URL: z.url().default('http://127.0.0.1:9400'),

  // Tencent Cloud SMS and its anti-pumping caps (modules/sms/sms.config.ts).
  ...smsEnvShape,
  // Object storage (Tencent COS) and uploads (modules/media/storage.config.ts).
  ...storageEnvShape,
  // Images fetched by URL (modules/media/from-url.config.ts documents each).
  ...fromUrlEnvShape,

  // The first console account (modules/admin-auth/admin-bootstrap.config.ts).
  ...adminBootstrapEnvShape,
  // The membership plan's defaults (modules/membership/plan.config.ts).
  ...planEnvShape,
  // The API rate limit (modules/auth/rate-limit.config.ts).
  ...rateLimitEnvShape,

  // Payments (modules/payments/payments.config.ts documents each).
  ...paymentsEnvShape,

  // Task watchdog, outbox and signed URL lifetimes (modules/tasks/tasks.config.ts).
  ...tasksEnvShape,

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
  n8n: N8nConfig;
  vendors: { mode: 'sandbox' | 'live'; sandboxUrl: string };
  /** True with NODE_ENV=production or VENDOR_MODE=live (real vendors and payment gateways). */
  deployed: boolean;
  /** Per-module blocks, each built by its module's `<name>.config.ts`. */
  auth: AuthConfig;
  sms: SmsConfig;
  storage: StorageConfig;
  adminBootstrap: AdminBootstrapConfig;
  plan: PlanConfig;
  payments: PaymentsConfig;
  rateLimit: RateLimitConfig;
  tasks: TasksConfig;
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
  const storage = buildStorageConfig(env, { vendorMode: env.VENDOR_MODE });
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
    auth: buildAuthConfig(env, { jwtSecret: secrets.JWT_SECRET }),
    n8n: buildN8nConfig(env, { sharedSecret: secrets.N8N_SHARED_SECRET }),
    vendors: { mode: env.VENDOR_MODE, sandboxUrl: env.SANDBOX_URL },
    sms: buildSmsConfig(env),
    storage,
    adminBootstrap: buildAdminBootstrapConfig(env),
    plan: buildPlanConfig(env),
    payments,
    rateLimit: buildRateLimitConfig(env),
    tasks: buildTasksConfig(env),
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
