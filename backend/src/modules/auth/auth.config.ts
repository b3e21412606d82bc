import { z } from 'zod';

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/**
 * Merchant sign-in variables: the auth module's block of the env schema (config/config.ts spreads
 * it in and calls buildAuthConfig; the module reads `ctx.config.auth`). JWT_SECRET itself stays
 * with the other signing secrets in config.ts, which resolves it (env, else the data folder's
 * generated one) and hands it over as `base.jwtSecret`; config.ts also refuses a weak
 * AUTH_CODE_SECRET with the other secrets.
 */
export const authEnvShape = {
  JWT_TTL_SECONDS: int(7 * 24 * 3600, 60),
  // How long a replica trusts a merchant's token version it read (sign out everywhere is announced
  // to every replica at once; this bounds an announcement lost in a Redis outage).
  SESSION_CACHE_SECONDS: int(10, 0),
  // Keys the HMAC of stored SMS codes; derived from JWT_SECRET when unset.
  AUTH_CODE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
};

export interface AuthConfig {
  jwtSecret: string;
  jwtTtlSeconds: number;
  codeSecret: string | null;
  sessionCacheSeconds: number;
}

export type AuthEnv = z.output<z.ZodObject<typeof authEnvShape>>;

export function buildAuthConfig(env: AuthEnv, base: { jwtSecret: string }): AuthConfig {
  return {
    jwtSecret: base.jwtSecret,
    jwtTtlSeconds: env.JWT_TTL_SECONDS,
    codeSecret: env.AUTH_CODE_SECRET ?? null,
    sessionCacheSeconds: env.SESSION_CACHE_SECONDS,
  };
}
