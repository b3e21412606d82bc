import { z } from 'zod';
import { isoOrNull } from '../../db/time';
import { resultFileNames } from './result-names';
import { failureKindOf } from './task-failure';
import type { TaskTypeDefinition } from '../task-types/task-type.schema';
import type { ObjectUrlPort } from './task-ports';
import { definitionOfTask, inputsOfTask } from './task-request';
import type { ListedTask, Task } from './tasks.repository';

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

/** The keys a type lets clients see in `params`, made once per (frozen, shared) definition. */
const visibleParamsOf = new WeakMap<TaskTypeDefinition, Set<string>>();

/**
 * Keys the client may see in `params`: the type's declared parameters and the seed; anything else
 * (never a prompt) stays on the server.
 */
export function publicParams(raw: string, declared: string[] = ['scene', 'category']): Record<string, unknown> {
  return pickParams(raw, new Set([...declared, 'seed']));
}

function pickParams(raw: string, allowed: Set<string>): Record<string, unknown> {
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  const visible: Record<string, unknown> = {};
  for (const key of Object.keys(parsed)) if (allowed.has(key)) visible[key] = parsed[key];
  return visible;
}

function visibleParams(def: TaskTypeDefinition): Set<string> {
  let allowed = visibleParamsOf.get(def);
  if (!allowed) {
    allowed = new Set([...def.params.map((p) => p.name), 'seed']);
    visibleParamsOf.set(def, allowed);
  }
  return allowed;
}

export function resultKeysOf(row: Pick<Task, 'resultKeys'>): string[] {
  return row.resultKeys ? (JSON.parse(row.resultKeys) as string[]) : [];
}

/**
 * The public Task shape (docs/architecture.md §7) with short-lived signed result URLs. Synchronous:
 * signing is local (an HMAC, usually a cache hit), and a page of twenty tasks should not queue a
 * hundred promise turns behind it.
 */
export function toTaskDto(
  row: ListedTask,
  urls: ObjectUrlPort,
  ttlSeconds: number,
  retry: TaskDto['retry'] = null,
): TaskDto {
  const def = definitionOfTask(row);
  const resultKeys = row.status === 'done' ? resultKeysOf(row) : [];
  const resultUrls = resultKeys.map((key) => urls.signedUrl(key, ttlSeconds));
  const inputUrl = urls.signedUrl(row.inputKey, ttlSeconds);
  const inputUrls: Record<string, string[]> = {};
  const inputs: Record<string, string> = {};
  const stored = inputsOfTask(row, def);
  for (const name of Object.keys(stored)) {
    const input = stored[name];
    if ('key' in input) {
      // Usually the task's own input: the URL just signed (or reused) for `inputUrl`.
      inputUrls[name] = [input.key === row.inputKey ? inputUrl : urls.signedUrl(input.key, ttlSeconds)];
      inputs[name] = input.key;
    } else {
      inputUrls[name] = input.keys.map((key) => urls.signedUrl(key, ttlSeconds));
      inputs[name] = input.taskId;
    }
  }
  return {
    id: row.id,
    batchId: row.batchId,
    type: row.type,
    status: row.status,
    progress: row.progress,
    params: pickParams(row.params, visibleParams(def)),
    inputKey: row.inputKey,
    inputUrl,
    inputUrls,
    inputs,
    resultUrls,
    inputName: row.inputName ?? null,
    resultNames:
      row.status === 'done'
        ? resultFileNames({ id: row.id, type: row.type, inputName: row.inputName ?? null, resultKeys })
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
