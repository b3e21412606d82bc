import { z } from 'zod';

/**
 * The n8n variables: the n8n module's block of the env schema (config/config.ts spreads it in and
 * calls buildN8nConfig; the backend reads `ctx.config.n8n`). N8N_SHARED_SECRET itself stays with
 * the other signing secrets in config.ts, which resolves it (env, else the data folder's generated
 * one), refuses a weak one and, in production, a missing one, and hands it over as `base.sharedSecret`.
 */
export const n8nEnvShape = {
  N8N_BASE_URL: z.url().optional(),
  // Where operators open the n8n editor (the console links there); defaults to N8N_BASE_URL.
  N8N_EDITOR_URL: z.url().optional(),
  // The n8n owner login (the one npm start creates): the backend stops a canceled task's running
  // execution through n8n's REST API with it (2.8.4's public API cannot stop executions).
  N8N_OWNER_EMAIL: z.string().max(254).optional(),
  N8N_OWNER_PASSWORD: z.string().max(64).optional(),
};

export interface N8nConfig {
  baseUrl: string | null;
  sharedSecret: string;
  /** The editor operators open, for links from the console; null when neither URL is set. */
  editorUrl: string | null;
  /** The login the backend uses to stop executions; null when not configured (cancel then stops nothing in n8n). */
  owner: { email: string; password: string } | null;
}

export type N8nEnv = z.output<z.ZodObject<typeof n8nEnvShape>>;

export function buildN8nConfig(env: N8nEnv, base: { sharedSecret: string }): N8nConfig {
  return {
    baseUrl: env.N8N_BASE_URL ?? null,
    sharedSecret: base.sharedSecret,
    editorUrl: (env.N8N_EDITOR_URL ?? env.N8N_BASE_URL ?? '').replace(/\/+$/, '') || null,
    owner:
      env.N8N_OWNER_EMAIL && env.N8N_OWNER_PASSWORD
        ? { email: env.N8N_OWNER_EMAIL, password: env.N8N_OWNER_PASSWORD }
        : null,
  };
}
