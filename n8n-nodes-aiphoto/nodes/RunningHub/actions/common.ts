import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
  DEFAULT_RETRY,
  retryOptions as sharedRetryOptions,
  retryPolicyOf,
  type RetryPolicy,
} from '../../../common/retry';

/** Retry settings, shown for every operation: RunningHub's "busy" answers are common at peak. */
export const retryOptions: INodeProperties = sharedRetryOptions(
  'How often to try when RunningHub cannot be reached, answers 5xx/429, "queue full" (421) or "no free instance" (415)',
  DEFAULT_RETRY.baseDelayMs,
);

export function retryPolicy(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy {
  return retryPolicyOf(ctx, itemIndex, DEFAULT_RETRY.baseDelayMs);
}

export const vendorTaskIdField = (operations: string[]): INodeProperties => ({
  displayName: 'RunningHub Task ID',
  name: 'vendorTaskId',
  type: 'string',
  default: '={{ $json.vendorTaskId }}',
  required: true,
  displayOptions: { show: { resource: ['task'], operation: operations } },
  description: 'The taskId RunningHub returned when the AI app run started',
});
