import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * The content audit (seed 001) of every workflow's inputs, merged into the one env schema of
 * config/config.ts. Both are also runtime settings (`audit.enabled`, `audit.threshold`, console
 * 设置 page); these are the values until an admin changes them. They travel to n8n in each
 * dispatch (`audit: { enabled, threshold }`), where the first step of every workflow audits the
 * task's images with Tencent CI (docs/architecture.md §5).
 */
export const auditEnvShape = {
  /** Audit every task's input images before any work (costs one CI audit per image). */
  AUDIT_ENABLED: flag.default(false),
  /** A risk score (0–100) over this fails the task with CONTENT_REJECTED (refunded). */
  AUDIT_THRESHOLD: z.coerce.number().int().min(0).max(100).default(85),
};

/** The env defaults of the settings `audit.enabled` and `audit.threshold` (`ctx.config.audit`). */
export interface AuditConfig {
  enabled: boolean;
  threshold: number;
}

export function buildAuditConfig(env: z.output<z.ZodObject<typeof auditEnvShape>>): AuditConfig {
  return { enabled: env.AUDIT_ENABLED, threshold: env.AUDIT_THRESHOLD };
}
