import type { INodeProperties } from 'n8n-workflow';

import { retryOptions } from '../../common/retry';

/** Backend hiccups are short: retry sooner than for a vendor. */
export const CALLBACK_RETRY_DELAY_MS = 1000;

export const callbackProperties: INodeProperties[] = [
  {
    displayName: 'Task ID',
    name: 'taskId',
    type: 'string',
    default: '={{ $json.taskId }}',
    required: true,
    description: 'The AI Photo task, usually {{ $("AI Photo Trigger").item.json.taskId }}',
  },
  {
    displayName: 'Event',
    name: 'event',
    type: 'options',
    options: [
      { name: 'Progress', value: 'progress', description: 'Work is under way; the merchant sees the percentage' },
      { name: 'Done', value: 'done', description: 'Results are stored; the task completes' },
      { name: 'Failed', value: 'failed', description: 'The task failed; the backend refunds the credit' },
    ],
    default: 'done',
  },
  {
    displayName: 'Progress',
    name: 'progress',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 100 },
    default: 50,
    displayOptions: { show: { event: ['progress'] } },
    description: 'Percentage 0–100',
  },
  {
    displayName: 'Result Keys',
    name: 'resultKeys',
    type: 'json',
    default: '={{ $json.resultKeys }}',
    displayOptions: { show: { event: ['done'] } },
    description: 'Storage keys of the results, in order (from Tencent CI or COS Mirror)',
  },
  {
    displayName: 'Error Code',
    name: 'errorCode',
    type: 'string',
    default: 'VENDOR_FAILED',
    displayOptions: { show: { event: ['failed'] } },
    description:
      'VENDOR_FAILED (the vendor could not process the image), TIMEOUT, or another upper-case code; merchants see VENDOR_FAILED, TIMEOUT or GENERATION_FAILED with a fixed message',
  },
  {
    displayName: 'Error Message',
    name: 'errorMessage',
    type: 'string',
    default: '={{ $json.failedReason || $json.error }}',
    displayOptions: { show: { event: ['failed'] } },
    description:
      "The vendor's own words, for the platform's admins and logs only (never shown to merchants); cleaned and cut to 2,000 characters",
  },
  {
    displayName: 'Vendor Task ID',
    name: 'vendorTaskId',
    type: 'string',
    default: '',
    description: 'Optional: the RunningHub task ID, stored with the task for support',
  },
  retryOptions('Tries when the backend is unreachable or answers 5xx/429', CALLBACK_RETRY_DELAY_MS),
];
