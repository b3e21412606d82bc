import { z } from 'zod';

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/**
 * Task timing variables: the tasks module's block of the env schema (config/config.ts spreads it
 * in; the watchdog, the outbox dispatcher and the signed URLs read `ctx.config.tasks`).
 */
export const tasksEnvShape = {
  TASK_WATCHDOG_INTERVAL_MS: int(5000, 50),
  OUTBOX_POLL_INTERVAL_MS: int(500, 10),
  OUTBOX_MAX_BACKOFF_MS: int(30000, 100),
  INPUT_URL_TTL_SECONDS: int(3600, 60),
  RESULT_URL_TTL_SECONDS: int(1800, 60),
};

export interface TasksConfig {
  watchdogIntervalMs: number;
  outboxPollIntervalMs: number;
  outboxMaxBackoffMs: number;
  inputUrlTtlSeconds: number;
  resultUrlTtlSeconds: number;
}

export type TasksEnv = z.output<z.ZodObject<typeof tasksEnvShape>>;

export function buildTasksConfig(env: TasksEnv): TasksConfig {
  return {
    watchdogIntervalMs: env.TASK_WATCHDOG_INTERVAL_MS,
    outboxPollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
    outboxMaxBackoffMs: env.OUTBOX_MAX_BACKOFF_MS,
    inputUrlTtlSeconds: env.INPUT_URL_TTL_SECONDS,
    resultUrlTtlSeconds: env.RESULT_URL_TTL_SECONDS,
  };
}
