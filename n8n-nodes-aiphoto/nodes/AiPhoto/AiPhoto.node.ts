import {
  NodeConnectionTypes,
  NodeOperationError,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';

import { runPerItemMulti } from '../../common/run-items';
import { getBalance, getMembership } from './actions/account';
import { createTasks } from './actions/create';
import { download } from './actions/download';
import { cancel, get, getMany } from './actions/tasks';
import { properties } from './descriptions';
import { getTaskTypes, getTypeFields } from './methods';

type PerItem = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const PER_ITEM: Record<string, PerItem> = {
  'task.get': get,
  'task.getMany': getMany,
  'task.cancel': cancel,
  'task.download': download,
  'account.getBalance': getBalance,
  'account.getMembership': getMembership,
};

/**
 * "AI Photo" for a merchant's own n8n: make product photos with an API key (credential "AI
 * Photo account"). Separate from the operator nodes (AI Photo Trigger/Callback, Tencent CI,
 * RunningHub, COS Mirror), which run inside the platform's own n8n.
 */
export class AiPhoto implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'AI Photo',
    name: 'aiPhoto',
    icon: { light: 'file:../../icons/aiPhoto.svg', dark: 'file:../../icons/aiPhoto.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
    description: 'Turn garment photos into product images with AI Photo, and read your account',
    defaults: { name: 'AI Photo' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'aiPhotoAccountApi', required: true }],
    properties,
  };

  methods = {
    loadOptions: { getTaskTypes },
    resourceMapping: { getTypeFields },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    // Resource and operation take no expressions, so the first item's values hold for all.
    const resource = this.getNodeParameter('resource', 0) as string;
    const operation = this.getNodeParameter('operation', 0) as string;
    if (resource === 'task' && operation === 'create') return createTasks.call(this);
    const handler = PER_ITEM[`${resource}.${operation}`];
    if (!handler) throw new NodeOperationError(this.getNode(), `Unknown operation "${resource}.${operation}"`);
    return runPerItemMulti(this, (i) => handler.call(this, i));
  }
}
