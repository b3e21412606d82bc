import { z } from 'zod';

/**
 * The API rate limit (modules/auth/rate-limit.ts): its block of the env schema (config/config.ts
 * spreads it in; the limiter reads `ctx.config.rateLimit`).
 */
export const rateLimitEnvShape = {
  /** Requests per 15 minutes per client (user id when signed in, else IP) on /api/v1. */
  RATE_LIMIT_API_PER_15MIN: z.coerce.number().int().min(1).default(1000),
};

export interface RateLimitConfig {
  apiPer15Min: number;
}

export type RateLimitEnv = z.output<z.ZodObject<typeof rateLimitEnvShape>>;

export function buildRateLimitConfig(env: RateLimitEnv): RateLimitConfig {
  return { apiPer15Min: env.RATE_LIMIT_API_PER_15MIN };
}
