import { z } from 'zod';
import type { AppConfig } from '../../config/config';

/**
 * The task-type registry: everything that differs between generation types lives here, so a
 * new type is one entry plus one n8n workflow (webhook path, cost, deadline, params schema).
 */
export const TASK_TYPES = ['basic_clean', 'model_pose12'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export interface TaskTypeDefinition {
  type: TaskType;
  /** Production webhook path of the workflow's AI Photo Trigger (`/webhook/<path>`). */
  webhookPath: string;
  /** Credits reserved per input image. */
  creditsPerImage: number;
  deadlineSeconds: number;
  params: z.ZodType<Record<string, unknown>>;
  /** Same input bytes + params give the same result, so stored results can be reused. */
  cacheable: boolean;
  /** Whether the dispatch carries a server-built prompt and a random seed. */
  needsPrompt: boolean;
}

const basicCleanParams = z.object({}).strict();
const modelPose12Params = z
  .object({
    scene: z.string().min(1).max(64),
    category: z.string().min(1).max(64),
  })
  .strict();

export function taskTypeRegistry(config: AppConfig): Record<TaskType, TaskTypeDefinition> {
  return {
    basic_clean: {
      type: 'basic_clean',
      webhookPath: 'aiphoto-basic-clean',
      creditsPerImage: 1,
      deadlineSeconds: config.tasks.basicCleanDeadlineSeconds,
      params: basicCleanParams,
      cacheable: true,
      needsPrompt: false,
    },
    model_pose12: {
      type: 'model_pose12',
      webhookPath: 'aiphoto-model-pose12',
      creditsPerImage: 1,
      deadlineSeconds: config.tasks.modelPose12DeadlineSeconds,
      params: modelPose12Params,
      // A random seed makes every run different: never served from the cache.
      cacheable: false,
      needsPrompt: true,
    },
  };
}
