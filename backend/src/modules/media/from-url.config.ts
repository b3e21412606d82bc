import { z } from 'zod';
import type { AppConfig } from '../../config/config';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/** Settings of `POST /api/v1/uploads/from-url`, merged into the one env schema of config/config.ts. */
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

export function fromUrlConfig(config: AppConfig): FromUrlConfig {
  const env = config.raw;
  return {
    allowPrivate: env.UPLOAD_URL_ALLOW_PRIVATE ?? !config.isProduction,
    timeoutMs: env.UPLOAD_URL_TIMEOUT_MS,
    perMinute: env.UPLOAD_URL_PER_MINUTE,
    maxBytes: config.storage.uploadMaxBytes,
  };
}
