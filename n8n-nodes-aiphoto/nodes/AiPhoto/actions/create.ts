import {
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type ResourceMapperValue,
} from 'n8n-workflow';

import { errorItem, itemError } from '../../../common/run-items';
import { accountRequest } from '../../../transport/account-api';
import { INPUT_FIELD_PREFIX } from '../methods';
import { uploadBytes, uploadFromUrl, type Task } from '../task-api';
import { waitForTasks } from '../wait';

interface CreateOptions {
  failOnTaskFailure?: boolean;
  idempotencyKey?: string;
  pollSeconds?: number;
  timeoutMinutes?: number;
}

const IS_URL = /^https?:\/\//i;

/** The item's photo as an upload key: fetched by URL, uploaded from binary data, or given. */
async function primaryInput(ctx: IExecuteFunctions, i: number): Promise<string> {
  const source = ctx.getNodeParameter('source', i) as string;
  if (source === 'url') return uploadFromUrl(ctx, String(ctx.getNodeParameter('imageUrl', i)).trim(), i);
  if (source === 'binary') {
    const field = String(ctx.getNodeParameter('binaryPropertyName', i));
    const meta = ctx.helpers.assertBinaryData(i, field);
    const bytes = await ctx.helpers.getBinaryDataBuffer(i, field);
    return uploadBytes(ctx, bytes, { name: meta.fileName ?? 'photo', mimeType: meta.mimeType }, i);
  }
  const key = String(ctx.getNodeParameter('uploadKey', i)).trim();
  if (!key) throw new NodeOperationError(ctx.getNode(), 'Upload Key is empty', { itemIndex: i });
  return key;
}

/** Mapped parameters, and extra input slots (URLs fetched first) split out of them. */
async function paramsAndInputs(ctx: IExecuteFunctions, i: number) {
  const mapped = (ctx.getNodeParameter('params', i, { value: null }) as ResourceMapperValue).value ?? {};
  const params: IDataObject = {};
  const inputs: IDataObject = {};
  for (const [name, value] of Object.entries(mapped)) {
    if (value === null || value === '') continue;
    if (!name.startsWith(INPUT_FIELD_PREFIX)) {
      params[name] = value;
      continue;
    }
    const text = String(value).trim();
    inputs[name.slice(INPUT_FIELD_PREFIX.length)] = IS_URL.test(text) ? await uploadFromUrl(ctx, text, i) : text;
  }
  return { params, inputs };
}

async function createOne(ctx: IExecuteFunctions, i: number, options: CreateOptions): Promise<Task> {
  const type = String(ctx.getNodeParameter('type', i));
  const inputKey = await primaryInput(ctx, i);
  const { params, inputs } = await paramsAndInputs(ctx, i);
  const idempotencyKey = options.idempotencyKey?.trim();
  const batch = await accountRequest<{ tasks: Task[] }>(ctx, {
    method: 'POST',
    path: '/api/v1/tasks',
    body: { type, inputKey, params, ...(Object.keys(inputs).length ? { inputs } : {}) },
    headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
    itemIndex: i,
  });
  return batch.tasks[0];
}

function finishedProblem(ctx: IExecuteFunctions, task: Task, i: number): NodeOperationError | null {
  if (task.status === 'done') return null;
  const code = task.errorCode ?? task.status.toUpperCase();
  return new NodeOperationError(
    ctx.getNode(),
    `Task ${task.id} ${task.status}: ${task.errorReason ?? code} (${code})`,
    {
      itemIndex: i,
      description:
        'The credit of a failed or canceled task is refunded. Turn off "Fail Item When Task Fails" to output it instead.',
    },
  );
}

/**
 * Task → Create for all items: every task is created first (each item in its own try/catch),
 * then, when waiting, all unfinished ones are polled together, so N photos take about as long
 * as the slowest one rather than the sum.
 */
export async function createTasks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  const items = this.getInputData();
  const results: Array<INodeExecutionData | null> = items.map(() => null);
  const created = new Map<number, Task>();
  for (let i = 0; i < items.length; i++) {
    try {
      created.set(i, await createOne(this, i, this.getNodeParameter('createOptions', i, {}) as CreateOptions));
    } catch (error) {
      if (!this.continueOnFail()) throw itemError(this, error, i);
      results[i] = errorItem(itemError(this, error, i), i);
    }
  }
  const wait = created.size > 0 && (this.getNodeParameter('waitForCompletion', 0, true) as boolean);
  const options = this.getNodeParameter('createOptions', 0, {}) as CreateOptions;
  const outcomes = wait
    ? await waitForTasks(this, created, {
        pollMs: (options.pollSeconds ?? 5) * 1000,
        timeoutMs: (options.timeoutMinutes ?? 15) * 60_000,
      })
    : new Map([...created].map(([i, task]) => [i, task as Task | Error]));
  for (const [i, outcome] of outcomes) {
    const failOnTask = (this.getNodeParameter('createOptions', i, {}) as CreateOptions).failOnTaskFailure !== false;
    const problem =
      outcome instanceof Error
        ? itemError(this, outcome, i)
        : wait && failOnTask
          ? finishedProblem(this, outcome, i)
          : null;
    if (!problem) results[i] = { json: outcome as Task, pairedItem: { item: i } };
    else if (this.continueOnFail()) results[i] = errorItem(problem, i);
    else throw problem;
  }
  return [results.filter((r): r is INodeExecutionData => r !== null)];
}
