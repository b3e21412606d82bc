import {
  NodeConnectionTypes,
  NodeOperationError,
  type IWorkflowDataProxyAdditionalKeys,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';

import { retryPolicyOf } from '../../common/retry';
import { requiredString, runPerItem } from '../../common/run-items';
import { cleanVendorText, failureCode } from '../../common/vendor-text';
import { CALLBACK_RETRY_DELAY_MS, callbackProperties } from './callback.properties';
import { deliverCallback } from './deliver';

type CallbackEvent = 'progress' | 'done' | 'failed';

function resultKeyList(ctx: IExecuteFunctions, itemIndex: number): string[] {
  let value: unknown = ctx.getNodeParameter('resultKeys', itemIndex, []);
  if (typeof value === 'string') {
    const text = value.trim();
    try {
      value = text.startsWith('[') ? JSON.parse(text) : text.split(/[\n,]+/);
    } catch {
      throw new NodeOperationError(ctx.getNode(), 'Result Keys is not a valid JSON array', { itemIndex });
    }
  }
  if (!Array.isArray(value))
    throw new NodeOperationError(ctx.getNode(), 'Result Keys must be a list of storage keys', { itemIndex });
  const keys = value.map((key) => String(key ?? '').trim()).filter((key) => key !== '');
  if (keys.length === 0) {
    throw new NodeOperationError(ctx.getNode(), 'A "done" callback needs at least one result key', { itemIndex });
  }
  return keys;
}

/**
 * The n8n execution this callback runs in: the backend keeps it with the task, so the console
 * links the task to its execution and a cancel can stop it (docs/architecture.md §6).
 */
function executionOf(ctx: IExecuteFunctions): { executionId?: string; workflowId?: string } {
  const executionId = String(ctx.getExecutionId() ?? '').trim();
  const workflowId = String(ctx.getWorkflow().id ?? '').trim();
  return {
    ...(/^\d{1,32}$/.test(executionId) ? { executionId } : {}),
    ...(workflowId ? { workflowId: workflowId.slice(0, 64) } : {}),
  };
}

type CustomData = NonNullable<NonNullable<IWorkflowDataProxyAdditionalKeys['$execution']>['customData']>;

/**
 * Tags the execution with the task id (n8n "custom execution data", key `taskId`), so the
 * execution list can be searched for a task; only the first callback of an execution sets it.
 */
export function tagExecution(ctx: IExecuteFunctions, itemIndex: number, taskId: string): void {
  const execution = ctx.getWorkflowDataProxy(itemIndex).$execution as { customData?: CustomData } | undefined;
  const customData = execution?.customData;
  if (customData && customData.get('taskId') !== taskId) customData.set('taskId', taskId.slice(0, 255));
}

/** The callback body of docs/architecture.md §6, with only the fields that belong to the event. */
export function buildPayload(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
  const taskId = requiredString(ctx, 'taskId', 'Task ID', itemIndex);
  const event = ctx.getNodeParameter('event', itemIndex) as CallbackEvent;
  const payload: IDataObject = { taskId, event, ...executionOf(ctx) };
  const vendorTaskId = String(ctx.getNodeParameter('vendorTaskId', itemIndex, '') ?? '').trim();
  if (vendorTaskId) payload.vendorTaskId = vendorTaskId;
  if (event === 'progress') {
    const progress = Number(ctx.getNodeParameter('progress', itemIndex, 0));
    payload.progress = Math.min(100, Math.max(0, Math.round(Number.isFinite(progress) ? progress : 0)));
  } else if (event === 'done') {
    payload.resultKeys = resultKeyList(ctx, itemIndex);
  } else if (event === 'failed') {
    // Vendor text can be long and full of internals: cleaned and capped here, and the backend shows
    // merchants only a fixed message for the code (the text is for its admins and logs).
    const code = failureCode(String(ctx.getNodeParameter('errorCode', itemIndex, '') ?? ''));
    const message = cleanVendorText(String(ctx.getNodeParameter('errorMessage', itemIndex, '') ?? ''));
    payload.error = { code, message: message || 'The vendor failed' };
  } else {
    throw new NodeOperationError(ctx.getNode(), `Unknown event "${String(event)}"`, { itemIndex });
  }
  return payload;
}

// Not an AI agent's tool on purpose: whoever drives it can report any task done or failed.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool -- see above
export class AiPhotoCallback implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'AI Photo Callback',
    name: 'aiPhotoCallback',
    icon: { light: 'file:../../icons/aiPhoto.svg', dark: 'file:../../icons/aiPhoto.dark.svg' },
    group: ['output'],
    version: 1,
    subtitle: '={{ "event: " + $parameter["event"] }}',
    description: 'Reports progress, results or failure of a task to the AI Photo backend (signed)',
    defaults: { name: 'AI Photo Callback' },
    // No `usableAsTool`: never an AI agent's tool, whoever drives it can report any task done.
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'aiPhotoApi', required: true }],
    properties: callbackProperties,
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return runPerItem(this, async (itemIndex) => {
      const payload = buildPayload(this, itemIndex);
      tagExecution(this, itemIndex, String(payload.taskId));
      const retry = retryPolicyOf(this, itemIndex, CALLBACK_RETRY_DELAY_MS);
      const delivery = await deliverCallback(this, payload, retry, itemIndex);
      return {
        ...payload,
        delivered: true,
        statusCode: delivery.statusCode,
        attempts: delivery.attempts,
        // What the backend did with it, and the task's state now: a flow checks `taskActive`
        // before costly steps, so a task canceled meanwhile gets no more vendor work.
        applied: delivery.applied,
        taskStatus: delivery.taskStatus,
        taskActive: delivery.taskStatus === undefined || ['queued', 'processing'].includes(delivery.taskStatus),
      };
    });
  }
}
