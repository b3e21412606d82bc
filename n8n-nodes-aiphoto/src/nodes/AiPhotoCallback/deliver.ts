import { NodeApiError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { backoff, type RetryPolicy } from '../../shared/retry';
import { postToBackend, type BackendResponse } from '../../transport/backend';

export const CALLBACK_PATH = '/api/v1/internal/n8n/callback';

/** Worth another try: the backend is restarting, overloaded or briefly unreachable. */
export function isTransientStatus(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 425 || statusCode === 429 || statusCode >= 500;
}

function backendMessage(body: unknown): string | undefined {
  const error = (body as IDataObject | undefined)?.error as IDataObject | undefined;
  return typeof error?.message === 'string' ? error.message : undefined;
}

export interface Delivery {
  statusCode: number;
  attempts: number;
  /** Whether the backend changed the task (false for a duplicate, late or out-of-order event). */
  applied?: boolean;
  /** The task's status after this callback, when the backend said it. */
  taskStatus?: string;
}

function answerOf(body: unknown): Pick<Delivery, 'applied' | 'taskStatus'> {
  const answer = (body ?? {}) as IDataObject;
  return {
    ...(typeof answer.applied === 'boolean' ? { applied: answer.applied } : {}),
    ...(typeof answer.status === 'string' ? { taskStatus: answer.status } : {}),
  };
}

/**
 * POSTs one signed callback, retrying transient failures a bounded number of times. Each try
 * is signed afresh (new timestamp and nonce), so the backend's replay check never rejects a
 * retry; the backend treats duplicate events as no-ops, so a retry after a lost answer is safe.
 */
export async function deliverCallback(
  ctx: IExecuteFunctions,
  payload: IDataObject,
  retry: RetryPolicy,
  itemIndex: number,
): Promise<Delivery> {
  let lastProblem = '';
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    let response: BackendResponse | undefined;
    try {
      response = await postToBackend(ctx, CALLBACK_PATH, payload);
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    if (response) {
      if (response.statusCode >= 200 && response.statusCode < 300)
        return { statusCode: response.statusCode, attempts: attempt, ...answerOf(response.body) };
      if (response.statusCode === 401) {
        throw new NodeApiError(ctx.getNode(), { httpCode: '401' } as JsonObject, {
          message: 'The backend rejected the callback signature',
          description:
            'The shared secret in the AI Photo credential must equal N8N_SHARED_SECRET of the backend, and both clocks must be within 5 minutes.',
          httpCode: '401',
          itemIndex,
        });
      }
      if (!isTransientStatus(response.statusCode)) {
        throw new NodeApiError(ctx.getNode(), { httpCode: String(response.statusCode) } as JsonObject, {
          message: `The backend refused the callback (HTTP ${response.statusCode})${backendMessage(response.body) ? `: ${backendMessage(response.body)}` : ''}`,
          httpCode: String(response.statusCode),
          itemIndex,
        });
      }
      lastProblem = `HTTP ${response.statusCode}`;
    }
    if (attempt < retry.attempts) await backoff(retry, attempt, ctx.getExecutionCancelSignal());
  }
  throw new NodeApiError(ctx.getNode(), { message: lastProblem } as JsonObject, {
    message: `The backend did not accept the callback after ${retry.attempts} tries (${lastProblem})`,
    description: 'The task will be failed by the backend watchdog if no callback arrives before its deadline.',
    itemIndex,
  });
}
