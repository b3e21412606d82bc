import { z } from 'zod';

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/**
 * Resource limits of one backend process (sockets, uploads, password hashing), shared by several
 * modules, who read them as `ctx.config.limits`; `.env.example` explains each.
 */
export const limitsEnvShape = {
  /** Open /ws sockets one merchant may hold on one process; more are refused (429). */
  WS_MAX_SOCKETS_PER_USER: int(10, 1),
  /** Password hashes (console sign-in, account changes) computed at once; more wait, then 503. */
  PASSWORD_HASH_CONCURRENCY: int(2, 1),
  /**
   * Uploads whose bytes this process holds in memory at once (multipart, by URL, confirmations of
   * direct uploads); more wait in a queue of UPLOAD_QUEUE, beyond it 503 UPLOADS_BUSY.
   */
  UPLOAD_CONCURRENCY: int(8, 1),
  UPLOAD_QUEUE: int(32, 0),
};

export interface LimitsConfig {
  wsMaxSocketsPerUser: number;
  passwordHashConcurrency: number;
  uploadConcurrency: number;
  uploadQueue: number;
}

export function buildLimitsConfig(env: z.output<z.ZodObject<typeof limitsEnvShape>>): LimitsConfig {
  return {
    wsMaxSocketsPerUser: env.WS_MAX_SOCKETS_PER_USER,
    passwordHashConcurrency: env.PASSWORD_HASH_CONCURRENCY,
    uploadConcurrency: env.UPLOAD_CONCURRENCY,
    uploadQueue: env.UPLOAD_QUEUE,
  };
}
