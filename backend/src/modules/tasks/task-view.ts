import { z } from 'zod';
import { isoOrNull } from '../../db/time';
import { resultFileNames } from './result-names';
import { failureKindOf } from './task-failure';
import type { ObjectUrlPort } from './task-ports';
import { definitionOfTask, inputsOfTask } from './task-request';
import type { Task } from './tasks.repository';

export const TaskSchema = z
  .object({
    id: z.string(),
    batchId: z.string(),
    type: z.string(),
    status: z.enum(['queued', 'processing', 'done', 'failed', 'canceled']),
    progress: z.number().int(),
    params: z.record(z.string(), z.unknown()),
    /** The merchant's own input (for retry and before/after), with a short-lived signed URL. */
    inputKey: z.string(),
    inputUrl: z.string(),
    /** Every input slot's signed URLs (one for an upload, the results of a source task). */
    inputUrls: z.record(z.string(), z.array(z.string())),
    /**
     * Every input slot as a create request names it (an upload key, or a source task id): sending
     * `{ type, inputs, params }` makes the same task again (the portal's retry).
     */
    inputs: z.record(z.string(), z.string()),
    resultUrls: z.array(z.string()),
    /** The original file name of the input upload (cleaned), null when unknown. */
    inputName: z.string().nullable().openapi({ example: '白T恤.jpg' }),
    /** The download name of each result, in the order of `resultUrls` (`白T恤_main.jpg`, `白T恤_pose01.png` …). */
    resultNames: z.array(z.string()),
    errorCode: z.string().nullable(),
    errorReason: z.string().nullable(),
    /**
     * Whose fault a failure was: `photo` (this photo cannot be used: pick another), `service` (our
     * side failed: retrying may work). Null unless failed.
     */
    failureKind: z.enum(['photo', 'service']).nullable(),
    /** The failed task this one retries, if any. */
    retryOf: z.string().nullable(),
    /** The newest retry of this task, if any: a failed task whose retry is done offers no Retry. */
    retry: z
      .object({ id: z.string(), status: z.enum(['queued', 'processing', 'done', 'failed', 'canceled']) })
      .nullable(),
    favorite: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Task');

export type TaskDto = z.infer<typeof TaskSchema>;

/**
 * Keys the client may see in `params`: the type's declared parameters and the seed; anything else
 * (never a prompt) stays on the server.
 */
export function publicParams(raw: string, declared: string[] = ['scene', 'category']): Record<string, unknown> {
  const allowed = new Set([...declared, 'seed']);
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter(([k]) => allowed.has(k)));
}

export function resultKeysOf(row: Task): string[] {
  return row.resultKeys ? (JSON.parse(row.resultKeys) as string[]) : [];
}

/** The public Task shape (docs/architecture.md §7) with short-lived signed result URLs. */
export async function toTaskDto(
  row: Task,
  urls: ObjectUrlPort,
  ttlSeconds: number,
  retry: TaskDto['retry'] = null,
): Promise<TaskDto> {
  const sign = (keys: string[]) => Promise.all(keys.map((k) => urls.signedUrl(k, ttlSeconds)));
  const resultUrls = row.status === 'done' ? await sign(resultKeysOf(row)) : [];
  const def = definitionOfTask(row);
  const inputUrls: Record<string, string[]> = {};
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(inputsOfTask(row, def))) {
    inputUrls[name] = await sign('key' in input ? [input.key] : input.keys);
    inputs[name] = 'key' in input ? input.key : input.taskId;
  }
  return {
    id: row.id,
    batchId: row.batchId,
    type: row.type,
    status: row.status,
    progress: row.progress,
    params: publicParams(
      row.params,
      def.params.map((p) => p.name),
    ),
    inputKey: row.inputKey,
    inputUrl: await urls.signedUrl(row.inputKey, ttlSeconds),
    inputUrls,
    inputs,
    resultUrls,
    inputName: row.inputName ?? null,
    resultNames:
      row.status === 'done'
        ? resultFileNames({
            id: row.id,
            type: row.type,
            inputName: row.inputName ?? null,
            resultKeys: resultKeysOf(row),
          })
        : [],
    errorCode: row.errorCode,
    errorReason: row.errorReason,
    failureKind: row.status === 'failed' ? failureKindOf(row.errorCode) : null,
    retryOf: row.retryOf ?? null,
    retry,
    favorite: Boolean(row.favorite),
    createdAt: isoOrNull(row.createdAt)!,
    updatedAt: isoOrNull(row.updatedAt)!,
  };
}
