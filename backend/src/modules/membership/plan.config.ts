import { z } from 'zod';

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/**
 * The membership plan's env defaults: the membership module's block of the env schema
 * (config/config.ts spreads it in; the settings `plan.*` fall back to `ctx.config.plan` until the
 * console changes them).
 */
export const planEnvShape = {
  PLAN_MONTHLY_QUOTA: int(100, 1),
  MEMBERSHIP_PRICE: int(9900, 1),
  MEMBERSHIP_DAYS: int(30, 1),
};

export interface PlanConfig {
  monthlyQuota: number;
  priceFen: number;
  days: number;
}

export type PlanEnv = z.output<z.ZodObject<typeof planEnvShape>>;

export function buildPlanConfig(env: PlanEnv): PlanConfig {
  return { monthlyQuota: env.PLAN_MONTHLY_QUOTA, priceFen: env.MEMBERSHIP_PRICE, days: env.MEMBERSHIP_DAYS };
}
