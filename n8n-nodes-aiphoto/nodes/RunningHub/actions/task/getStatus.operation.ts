import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../../../common/run-items';
import { runningHubCall } from '../../../../transport/runninghub';
import { retryPolicy, vendorTaskIdField } from '../common';

export const description: INodeProperties[] = [vendorTaskIdField(['getStatus'])];

/** RunningHub documents /status as unmaintained; "Get Outputs" is the reliable way to poll. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const vendorTaskId = requiredString(this, 'vendorTaskId', 'RunningHub Task ID', itemIndex);
  const envelope = await runningHubCall(
    this,
    '/task/openapi/status',
    { taskId: vendorTaskId },
    { itemIndex, retry: retryPolicy(this, itemIndex) },
  );
  const status = String(envelope.data ?? 'UNKNOWN').toUpperCase();
  return { vendorTaskId, status, state: status.toLowerCase() };
}
