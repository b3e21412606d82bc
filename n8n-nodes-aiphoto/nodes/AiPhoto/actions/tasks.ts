import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { requiredString } from '../../../common/run-items';
import { accountRequest } from '../../../transport/account-api';
import { getTask, type Task } from '../task-api';

const taskIdOf = (ctx: IExecuteFunctions, i: number) => requiredString(ctx, 'taskId', 'Task ID', i);

export async function get(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
  return [{ json: await getTask(this, taskIdOf(this, i), i) }];
}

/** Whether this node runs as an AI agent's tool (n8n appends "Tool" to the type name). */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
  return ctx.getNode().type.endsWith('Tool');
}

export async function cancel(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
  // The tool's operation list hides Cancel unless allowed; this also covers a workflow edited by hand.
  if (runsAsTool(this) && !this.getNodeParameter('toolAllowCancel', i, false)) {
    throw new NodeOperationError(this.getNode(), 'Cancel is not allowed for an AI agent', {
      itemIndex: i,
      description: 'Switch on "Allow Cancel (AI Tool)" on the node to let the agent cancel tasks.',
    });
  }
  const id = encodeURIComponent(taskIdOf(this, i));
  return [
    { json: await accountRequest<Task>(this, { method: 'POST', path: `/api/v1/tasks/${id}/cancel`, itemIndex: i }) },
  ];
}

/** Own tasks, newest first, following the cursor until the limit (or the end with Return All). */
export async function getMany(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
  const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
  const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
  const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Task[]; nextCursor: string | null } = await accountRequest(this, {
      method: 'GET',
      path: '/api/v1/tasks',
      qs: {
        limit: Math.min(100, limit - tasks.length),
        ...(cursor ? { cursor } : {}),
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.type ? { type: filters.type } : {}),
      },
      itemIndex: i,
    });
    tasks.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && tasks.length < limit);
  return tasks.slice(0, limit).map((json) => ({ json }));
}
