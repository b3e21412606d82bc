import { NodeApiError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { isTransientStatus, withRetry, type RetryPolicy } from '../../common/retry';
import { postToBackend, type BackendResponse } from '../../transport/backend';

export const CALLBACK_PATH = '/api/v1/internal/n8n/callback';

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
 * POSTs one signed callback through `withRetry` (network errors and 408/425/429/5xx are tried
 * again). Each try is signed afresh (new timestamp and nonce), so the backend's replay check
 * never rejects a retry; the backend treats duplicate events as no-ops, so a retry after a lost
 * answer is safe.
 */
export async function deliverCallback(
  ctx: IExecuteFunctions,
  payload: IDataObject,
  retry: RetryPolicy,
  itemIndex: number,
): Promise<Delivery> {
  const { value, attempts } = await withRetry<BackendResponse>(
    ctx,
    retry,
    itemIndex,
    async () => {
      const response = await postToBackend(ctx, CALLBACK_PATH, payload);
      if (response.statusCode >= 200 && response.statusCode < 300) return { done: response };
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
      return { retry: new Error(`HTTP ${response.statusCode}`) };
    },
    (lastError, tries) =>
      new NodeApiError(ctx.getNode(), { message: lastError.message } as JsonObject, {
        message: `The backend did not accept the callback after ${tries} tries (${lastError.message})`,
        description: 'The task will be failed by the backend watchdog if no callback arrives before its deadline.',
        itemIndex,
      }),
  );
  return { statusCode: value.statusCode, attempts, ...answerOf(value.body) };
}
