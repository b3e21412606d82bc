import { z } from 'zod';

/**
 * The first console account: the admin-auth module's block of the env schema (config/config.ts
 * spreads it in, and refuses a published ADMIN_BOOTSTRAP_PASSWORD with the other secrets; the
 * module reads `ctx.config.adminBootstrap`).
 */
export const adminBootstrapEnvShape = {
  ADMIN_BOOTSTRAP_USERNAME: z.string().min(3).default('admin'),
  // Unset: a random one is generated when the first admin is created and printed once.
  ADMIN_BOOTSTRAP_PASSWORD: z
    .string()
    .min(10, 'must be at least 10 characters')
    .regex(/[A-Za-z]/, 'needs a letter')
    .regex(/\d/, 'needs a digit')
    .optional(),
};

/**
 * `password` is null when ADMIN_BOOTSTRAP_PASSWORD is unset: a random one is generated if the
 * account is created now and shown once, never a fixed value.
 */
export interface AdminBootstrapConfig {
  username: string;
  password: string | null;
}

export type AdminBootstrapEnv = z.output<z.ZodObject<typeof adminBootstrapEnvShape>>;

export function buildAdminBootstrapConfig(env: AdminBootstrapEnv): AdminBootstrapConfig {
  return { username: env.ADMIN_BOOTSTRAP_USERNAME, password: env.ADMIN_BOOTSTRAP_PASSWORD ?? null };
}
