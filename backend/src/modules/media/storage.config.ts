import { z } from 'zod';

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/**
 * Object storage (Tencent COS) and upload variables: the media module's block of the env schema
 * (config/config.ts spreads it in; storage, STS and uploads read `ctx.config.storage`). Required
 * with VENDOR_MODE=live; in sandbox mode they default to the sandbox's own development values
 * (SANDBOX_COS_* are what the sandbox is started with).
 */
export const storageEnvShape = {
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
};

export interface StorageConfig {
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
}

export type StorageEnv = z.output<z.ZodObject<typeof storageEnvShape>>;

/** Development values of the vendor sandbox's COS (sandbox/src/main.ts uses the same). */
export const SANDBOX_COS_DEFAULTS = {
  secretId: 'AKIDsandboxLocalOnly',
  secretKey: 'sandbox-local-only-secret-key',
  bucket: 'aiphoto-1250000000',
} as const;

export function buildStorageConfig(env: StorageEnv, base: { vendorMode: 'sandbox' | 'live' }): StorageConfig {
  const sandbox = base.vendorMode === 'sandbox';
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
