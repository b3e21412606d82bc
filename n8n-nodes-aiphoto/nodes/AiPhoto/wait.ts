import { NodeOperationError, sleepWithAbort, type IExecuteFunctions } from 'n8n-workflow';

import { FINISHED, getTask, type Task } from './task-api';

export interface WaitOptions {
  pollMs: number;
  timeoutMs: number;
}

/**
 * Polls every unfinished task once per interval (one GET each, answered from AI Photo's
 * database, never a vendor) until it is done, failed or canceled, or the timeout passes. An
 * item whose polling fails or times out gets an Error; the others their finished Task.
 */
export async function waitForTasks(
  ctx: IExecuteFunctions,
  tasks: Map<number, Task>,
  options: WaitOptions,
): Promise<Map<number, Task | Error>> {
  const outcomes = new Map<number, Task | Error>();
  const pending = new Map(tasks);
  const deadline = Date.now() + options.timeoutMs;
  for (const [i, task] of pending) {
    if (FINISHED.has(task.status)) {
      outcomes.set(i, task); // e.g. answered from AI Photo's result cache, born done
      pending.delete(i);
    }
  }
  while (pending.size > 0) {
    if (Date.now() >= deadline) {
      for (const [i, task] of pending) {
        outcomes.set(
          i,
          new NodeOperationError(ctx.getNode(), `Task ${task.id} is still ${task.status} (TIMEOUT_WAITING)`, {
            itemIndex: i,
            description: `Gave up waiting after ${Math.round(options.timeoutMs / 60_000)} min; the task goes on. Fetch it later with Task → Get, or react to task.done with the AI Photo Trigger (events).`,
          }),
        );
      }
      break;
    }
    // Stopping the execution in n8n ends the wait at once (the tasks themselves go on).
    await sleepWithAbort(Math.min(options.pollMs, Math.max(0, deadline - Date.now())), ctx.getExecutionCancelSignal());
    for (const [i, task] of [...pending]) {
      try {
        const now = await getTask(ctx, task.id, i);
        pending.set(i, now);
        if (!FINISHED.has(now.status)) continue;
        outcomes.set(i, now);
        pending.delete(i);
      } catch (error) {
        outcomes.set(i, error as Error);
        pending.delete(i);
      }
    }
  }
  return outcomes;
}
