import type { RunningHubOutcome } from '../context';

export type TaskStatus = 'QUEUED' | 'RUNNING' | 'SUCCESS' | 'FAILED';

export interface FailedReason {
  node_name: string;
  node_id: string;
  exception_message: string;
  exception_type: string;
  traceback: string;
}

/** One simulated AI-app run. Its status is a function of the clock and of the work done. */
export interface RunTask {
  taskId: string;
  createdAt: number;
  queueMs: number;
  runMs: number;
  outcome: RunningHubOutcome;
  /** Generation of the images runs at once; the clock decides when the result shows. */
  generation: 'pending' | 'done' | 'failed';
  fileUrls: string[];
  outputNodeId: string;
  failedReason?: FailedReason;
  webhookUrl?: string;
  webhookSent: boolean;
}

export function statusOf(task: RunTask, now: number): TaskStatus {
  if (now < task.createdAt + task.queueMs) return 'QUEUED';
  if (task.outcome === 'hang') return 'RUNNING';
  if (now < task.createdAt + task.queueMs + task.runMs) return 'RUNNING';
  if (task.outcome === 'fail' || task.generation === 'failed') return 'FAILED';
  return task.generation === 'done' ? 'SUCCESS' : 'RUNNING';
}

export interface RunningHubResponse {
  code: number;
  msg: string;
  data: unknown;
}

export const SCRIPTED_FAILURE: FailedReason = {
  node_name: 'KSampler',
  node_id: '3',
  exception_message: 'Sandbox scripted failure (POST /sandbox/runninghub/script).',
  exception_type: 'RuntimeError',
  traceback: '',
};

/** The `/task/openapi/outputs` answer for a task at a moment, with the vendor's codes. */
export function outputsResponse(task: RunTask, now: number): RunningHubResponse {
  switch (statusOf(task, now)) {
    case 'QUEUED':
      return { code: 813, msg: 'APIKEY_TASK_IS_QUEUED', data: null };
    case 'RUNNING':
      return { code: 804, msg: 'APIKEY_TASK_IS_RUNNING', data: null };
    case 'FAILED':
      return {
        code: 805,
        msg: 'APIKEY_TASK_STATUS_ERROR',
        data: { failedReason: task.failedReason ?? SCRIPTED_FAILURE },
      };
    case 'SUCCESS': {
      const seconds = String(Math.max(1, Math.round((task.queueMs + task.runMs) / 1000)));
      return {
        code: 0,
        msg: 'success',
        data: task.fileUrls.map((fileUrl) => ({
          fileUrl,
          fileType: 'png',
          taskCostTime: seconds,
          nodeId: task.outputNodeId,
        })),
      };
    }
  }
}

/** Moment after which the task's status can no longer change (undefined: never, a hang). */
export function settlesAt(task: RunTask): number | undefined {
  return task.outcome === 'hang' ? undefined : task.createdAt + task.queueMs + task.runMs;
}
