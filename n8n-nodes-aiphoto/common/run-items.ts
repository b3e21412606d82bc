import {
  NodeApiError,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
} from 'n8n-workflow';

export type ItemHandler = (itemIndex: number) => Promise<IDataObject>;
/** A handler whose item may produce several outputs (a list, one item per file). */
export type MultiItemHandler = (itemIndex: number) => Promise<INodeExecutionData[]>;

/** Any error as the NodeApiError/NodeOperationError n8n shows, tied to its item. */
export function itemError(
  ctx: IExecuteFunctions,
  error: unknown,
  itemIndex: number,
): NodeApiError | NodeOperationError {
  return error instanceof NodeApiError || error instanceof NodeOperationError
    ? error
    : new NodeOperationError(ctx.getNode(), error as Error, { itemIndex, message: (error as Error).message });
}

/**
 * With "Continue On Fail", an item's error becomes that item's output. n8n 2.8 sends an item to
 * the node's error output ("Continue (using error output)") only when its json is exactly
 * { error } or { error, message }: keep to that shape.
 */
export function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
  return {
    json: error.description ? { error: error.message, message: error.description } : { error: error.message },
    pairedItem: { item: itemIndex },
  };
}

/**
 * The per-item loop every node shares: each item in its own try/catch, outputs paired with
 * their input, and with "Continue On Fail" an item's error becomes that item's output instead
 * of stopping the workflow (so one bad image does not fail a whole batch).
 */
export async function runPerItemMulti(
  ctx: IExecuteFunctions,
  handler: MultiItemHandler,
): Promise<INodeExecutionData[][]> {
  const items = ctx.getInputData();
  const output: INodeExecutionData[] = [];
  for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
    try {
      for (const out of await handler(itemIndex)) output.push({ ...out, pairedItem: { item: itemIndex } });
    } catch (error) {
      // A stopped execution is not an item's failure: "Continue On Fail" must not turn it into
      // an output that later nodes would act on.
      const nodeError = itemError(ctx, error, itemIndex);
      if (ctx.getExecutionCancelSignal()?.aborted) throw nodeError;
      if (!ctx.continueOnFail()) throw nodeError;
      output.push(errorItem(nodeError, itemIndex));
    }
  }
  return [output];
}

/** runPerItemMulti for handlers that make exactly one output per item. */
export async function runPerItem(ctx: IExecuteFunctions, handler: ItemHandler): Promise<INodeExecutionData[][]> {
  return runPerItemMulti(ctx, async (itemIndex) => [{ json: await handler(itemIndex) }]);
}

/** A required string parameter, trimmed; an empty value is the operator's mistake, so say which. */
export function requiredString(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
  const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
  if (!value) {
    throw new NodeOperationError(ctx.getNode(), `${label} is empty`, {
      itemIndex,
      description: `Set "${label}" or map it from the previous node (usually the AI Photo Trigger).`,
    });
  }
  return value;
}

/** An operation module: `actions/<resource>/<op>.operation.ts` exports its `execute`. */
export interface Operation {
  execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject>;
}

/**
 * The `router` of a node with several operations (as in n8n's Airtable v2): reads the
 * `operation` parameter per item and runs that operation's `execute` under runPerItem.
 */
export function operationRouter(operations: Record<string, Operation>) {
  return async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return runPerItem(this, async (itemIndex) => {
      const operation = this.getNodeParameter('operation', itemIndex) as string;
      const handler = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      if (!handler) throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex });
      return handler.execute.call(this, itemIndex);
    });
  };
}
