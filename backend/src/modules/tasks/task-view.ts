import { z } from 'zod';
import { TASK_TYPES } from './task-types';
import { isoOrNull } from '../../db/time';
import type { ObjectUrlPort } from './task-ports';
import type { TaskRow } from './tasks.repository';

export const TaskSchema = z
  .object({
    id: z.string(),
    batchId: z.string(),
    type: z.enum(TASK_TYPES),
    status: z.enum(['queued', 'processing', 'done', 'failed', 'canceled']),
    progress: z.number().int(),
    params: z.record(z.string(), z.unknown()),
    /** The merchant's own input (for retry and before/after), with a short-lived signed URL. */
    inputKey: z.string(),
    inputUrl: z.string(),
    resultUrls: z.array(z.string()),
    errorCode: z.string().nullable(),
    errorReason: z.string().nullable(),
    favorite: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Task');

export type TaskDto = z.infer<typeof TaskSchema>;

/** Keys the client may see in `params`; anything else (never a prompt) stays on the server. */
const PUBLIC_PARAMS = new Set(['scene', 'category', 'seed']);

export function publicParams(raw: string): Record<string, unknown> {
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter(([k]) => PUBLIC_PARAMS.has(k)));
}

export function resultKeysOf(row: TaskRow): string[] {
  return row.result_keys ? (JSON.parse(row.result_keys) as string[]) : [];
}

/** The public Task shape (docs/architecture.md §7) with short-lived signed result URLs. */
export async function toTaskDto(row: TaskRow, urls: ObjectUrlPort, ttlSeconds: number): Promise<TaskDto> {
  const resultUrls =
    row.status === 'done' ? await Promise.all(resultKeysOf(row).map((k) => urls.signedUrl(k, ttlSeconds))) : [];
  return {
    id: row.id,
    batchId: row.batch_id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    params: publicParams(row.params),
    inputKey: row.input_key,
    inputUrl: await urls.signedUrl(row.input_key, ttlSeconds),
    resultUrls,
    errorCode: row.error_code,
    errorReason: row.error_reason,
    favorite: Boolean(row.favorite),
    createdAt: isoOrNull(row.created_at)!,
    updatedAt: isoOrNull(row.updated_at)!,
  };
}
