import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/**
 * Settings of `POST /api/v1/uploads/from-url`: the media module's block of the env schema
 * (config/config.ts spreads it in; the module reads `ctx.config.fromUrl`).
 */
export const fromUrlEnvShape = {
  /** The URL may point at loopback/private addresses; default: allowed except in production. */
  UPLOAD_URL_ALLOW_PRIVATE: flag.optional(),
  /** The whole fetch (connect, redirects, body) must finish within this. */
  UPLOAD_URL_TIMEOUT_MS: int(15_000, 100),
  /** Fetches per merchant per minute (each one makes our servers download an image). */
  UPLOAD_URL_PER_MINUTE: int(30, 1),
};

export interface FromUrlConfig {
  allowPrivate: boolean;
  timeoutMs: number;
  perMinute: number;
  maxBytes: number;
}

export type FromUrlEnv = z.output<z.ZodObject<typeof fromUrlEnvShape>>;

export function buildFromUrlConfig(
  env: FromUrlEnv,
  base: { isProduction: boolean; uploadMaxBytes: number },
): FromUrlConfig {
  return {
    allowPrivate: env.UPLOAD_URL_ALLOW_PRIVATE ?? !base.isProduction,
    timeoutMs: env.UPLOAD_URL_TIMEOUT_MS,
    perMinute: env.UPLOAD_URL_PER_MINUTE,
    maxBytes: base.uploadMaxBytes,
  };
}
