import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../../../common/run-items';
import { runningHubCall, type RunningHubEnvelope } from '../../../../transport/runninghub';
import { retryPolicy, vendorTaskIdField } from '../common';

export const description: INodeProperties[] = [vendorTaskIdField(['getOutputs'])];

/** /outputs answers a state through its code: 0 done, 804 running, 813 queued, 805 failed. */
const STATE_BY_CODE: Record<number, 'success' | 'running' | 'queued' | 'failed'> = {
  0: 'success',
  804: 'running',
  813: 'queued',
  805: 'failed',
};

export interface OutputFile {
  fileUrl: string;
  fileType: string | null;
  nodeId: string | null;
  taskCostTime: string | null;
}

function failedReasonText(data: unknown): string | null {
  const reason = (data as IDataObject | null)?.failedReason;
  if (!reason) return 'RunningHub reported the task as failed';
  if (typeof reason === 'string') return reason;
  const details = reason as IDataObject;
  const where = details.node_name ? `${String(details.node_name)}: ` : '';
  const what = details.exception_message ?? details.exception_type ?? JSON.stringify(details);
  return `${where}${String(what)}`;
}

export function outputsResult(vendorTaskId: string, envelope: RunningHubEnvelope): IDataObject {
  const state = STATE_BY_CODE[envelope.code];
  const files: OutputFile[] =
    state === 'success' && Array.isArray(envelope.data)
      ? (envelope.data as IDataObject[])
          .filter((file) => typeof file.fileUrl === 'string' && file.fileUrl)
          .map((file) => ({
            fileUrl: String(file.fileUrl),
            fileType: file.fileType === undefined ? null : String(file.fileType),
            nodeId: file.nodeId === undefined ? null : String(file.nodeId),
            taskCostTime: file.taskCostTime === undefined ? null : String(file.taskCostTime),
          }))
      : [];
  return {
    vendorTaskId,
    state,
    files: files as unknown as IDataObject[],
    fileUrls: files.map((file) => file.fileUrl),
    failedReason: state === 'failed' ? failedReasonText(envelope.data) : null,
  };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const vendorTaskId = requiredString(this, 'vendorTaskId', 'RunningHub Task ID', itemIndex);
  const envelope = await runningHubCall(
    this,
    '/task/openapi/outputs',
    { taskId: vendorTaskId },
    { itemIndex, retry: retryPolicy(this, itemIndex), acceptCodes: [804, 813, 805] },
  );
  return outputsResult(vendorTaskId, envelope);
}
