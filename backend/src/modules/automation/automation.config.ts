import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/**
 * Merchant webhook variables: this module's block of the env schema (config/config.ts spreads it
 * in and calls buildAutomationConfig; the module reads the result as `ctx.config.automation`).
 */
export const automationEnvShape = {
  /** Webhook URLs may point at loopback/private addresses; default: allowed except in production. */
  WEBHOOK_ALLOW_PRIVATE_URLS: flag.optional(),
  WEBHOOK_MAX_ATTEMPTS: int(8, 1),
  /** First retry delay; each later one doubles (8 attempts at 30 s span about an hour). */
  WEBHOOK_RETRY_BASE_MS: int(30_000, 10),
  WEBHOOK_POLL_INTERVAL_MS: int(1000, 10),
  WEBHOOK_TIMEOUT_MS: int(10_000, 100),
};

export interface AutomationConfig {
  allowPrivateUrls: boolean;
  maxAttempts: number;
  retryBaseMs: number;
  pollIntervalMs: number;
  timeoutMs: number;
}

export type AutomationEnv = z.output<z.ZodObject<typeof automationEnvShape>>;

export function buildAutomationConfig(env: AutomationEnv, base: { isProduction: boolean }): AutomationConfig {
  return {
    allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS ?? !base.isProduction,
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
  };
}
