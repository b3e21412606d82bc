import {
  NodeApiError,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeProperties,
  type JsonObject,
} from 'n8n-workflow';

import { requiredString } from '../../../../common/run-items';
import { runningHubCall } from '../../../../transport/runninghub';
import { retryPolicy } from '../common';

const show = { show: { resource: ['task'], operation: ['runAiApp'] } };

export const description: INodeProperties[] = [
  {
    displayName: 'Webapp ID',
    name: 'webappId',
    type: 'string',
    default: '',
    displayOptions: show,
    description:
      'The AI app to run: the number in its RunningHub address, or a name from the credential’s Named AI Apps (e.g. fitting)',
    hint: 'Leave empty to run the default webapp ID of the RunningHub credential (RUNNINGHUB_WEBAPP_ID); a name such as "fitting" is looked up in its Named AI Apps (RUNNINGHUB_APPS)',
  },
  {
    displayName: 'Prompt',
    name: 'prompt',
    type: 'string',
    typeOptions: { rows: 3 },
    default: '={{ $json.prompt }}',
    displayOptions: show,
    description: 'Prompt text, built by the backend for model_pose12',
  },
  {
    displayName: 'Image URL',
    name: 'imageUrl',
    type: 'string',
    default: '={{ $json.inputUrl }}',
    displayOptions: show,
    description: 'Reference image: a signed URL valid about an hour, or a fileName from "Upload File"',
  },
  {
    displayName: 'Seed',
    name: 'seed',
    type: 'string',
    default: '={{ $json.seed }}',
    displayOptions: show,
    description: 'Random seed; leave empty to let the AI app choose',
  },
  {
    displayName: 'Input Nodes',
    name: 'inputNodes',
    type: 'collection',
    placeholder: 'Change Node IDs',
    default: {},
    displayOptions: show,
    description: 'Which nodes of the AI app receive prompt, image and seed; change them when the app changes',
    hint: 'Node IDs are the numbers ComfyUI shows on the nodes of the AI app’s workflow (open the app on RunningHub to check them); defaults: prompt → 6/text, image → 10/image, seed → 3/seed',
    options: [
      {
        displayName: 'Prompt Node ID',
        name: 'promptNodeId',
        type: 'string',
        default: '6',
        description:
          'The node that takes the prompt text; 6 is the positive-prompt CLIP Text Encode node of a standard ComfyUI graph',
      },
      {
        displayName: 'Prompt Field Name',
        name: 'promptFieldName',
        type: 'string',
        default: 'text',
        description: 'The input of that node that receives the prompt (text for CLIP Text Encode)',
      },
      {
        displayName: 'Image Node ID',
        name: 'imageNodeId',
        type: 'string',
        default: '10',
        description: 'The Load Image node that takes the garment photo (10 in the model_pose12 app as set up here)',
      },
      {
        displayName: 'Image Field Name',
        name: 'imageFieldName',
        type: 'string',
        default: 'image',
        description: 'The input of that node that receives the image URL or uploaded file name (image for Load Image)',
      },
      {
        displayName: 'Seed Node ID',
        name: 'seedNodeId',
        type: 'string',
        default: '3',
        description: 'The node whose seed varies the result; 3 is the KSampler of a standard ComfyUI graph',
      },
      {
        displayName: 'Seed Field Name',
        name: 'seedFieldName',
        type: 'string',
        default: 'seed',
        description: 'The input of that node that receives the seed (seed for KSampler)',
      },
    ],
  },
  {
    displayName: 'More Inputs',
    name: 'moreInputs',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true },
    placeholder: 'Add Input',
    default: {},
    displayOptions: show,
    description:
      'Further values for nodes of the AI app, e.g. a second image (a model photo) or a batch size; sent after prompt, image and seed',
    options: [
      {
        displayName: 'Input',
        name: 'input',
        values: [
          {
            displayName: 'Node ID',
            name: 'nodeId',
            type: 'string',
            default: '',
            description: 'The node of the AI app that receives the value (the number ComfyUI shows on it)',
          },
          {
            displayName: 'Field Name',
            name: 'fieldName',
            type: 'string',
            default: '',
            description: 'The input of that node, e.g. image for a Load Image node or batch_size',
          },
          {
            displayName: 'Value',
            name: 'value',
            type: 'string',
            default: '',
            description: 'The value: text, a number, or an image URL / uploaded file name; an empty value is left out',
          },
        ],
      },
    ],
  },
  {
    displayName: 'Webhook URL',
    name: 'webhookUrl',
    type: 'string',
    default: '',
    displayOptions: show,
    description:
      'Optional: RunningHub POSTs the result here when the run ends (e.g. a Wait node’s {{ $execution.resumeUrl }})',
  },
];

interface InputNodes {
  promptNodeId?: string;
  promptFieldName?: string;
  imageNodeId?: string;
  imageFieldName?: string;
  seedNodeId?: string;
  seedFieldName?: string;
}

export interface NodeInfo {
  nodeId: string;
  fieldName: string;
  fieldValue: string;
}

export function buildNodeInfoList(nodes: InputNodes, prompt: string, imageUrl: string, seed: string): NodeInfo[] {
  const list: NodeInfo[] = [];
  if (prompt)
    list.push({ nodeId: nodes.promptNodeId || '6', fieldName: nodes.promptFieldName || 'text', fieldValue: prompt });
  if (imageUrl)
    list.push({ nodeId: nodes.imageNodeId || '10', fieldName: nodes.imageFieldName || 'image', fieldValue: imageUrl });
  if (seed) list.push({ nodeId: nodes.seedNodeId || '3', fieldName: nodes.seedFieldName || 'seed', fieldValue: seed });
  return list;
}

interface MoreInput {
  nodeId?: string;
  fieldName?: string;
  value?: unknown;
}

/** The "More Inputs" rows as nodeInfoList entries; an empty value is left out, a half-named row is an error. */
export function moreNodeInfo(rows: MoreInput[]): { list: NodeInfo[]; problem?: string } {
  const list: NodeInfo[] = [];
  for (const [i, row] of rows.entries()) {
    const value = row.value === undefined || row.value === null ? '' : String(row.value).trim();
    if (!value) continue;
    const nodeId = String(row.nodeId ?? '').trim();
    const fieldName = String(row.fieldName ?? '').trim();
    if (!nodeId || !fieldName) return { list, problem: `More Inputs, row ${i + 1}: set both Node ID and Field Name` };
    list.push({ nodeId, fieldName, fieldValue: value });
  }
  return { list };
}

/** `name=id` pairs of the credential's Named AI Apps (comma or newline separated). */
export function parseNamedApps(text: unknown): Map<string, string> {
  const apps = new Map<string, string>();
  for (const entry of String(text ?? '').split(/[,\n]/)) {
    const m = /^\s*([A-Za-z][\w-]*)\s*=\s*(\d+)\s*$/.exec(entry);
    if (m) apps.set(m[1], m[2]);
  }
  return apps;
}

/** promptTips is a JSON string; a non-empty node_errors means the app's graph rejected our inputs. */
export function promptNodeErrors(promptTips: unknown): string | undefined {
  if (typeof promptTips !== 'string' || !promptTips.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(promptTips);
  } catch {
    return undefined;
  }
  const errors = (parsed as IDataObject | null)?.node_errors;
  if (!errors || typeof errors !== 'object' || Object.keys(errors).length === 0) return undefined;
  return JSON.stringify(errors);
}

async function webappIdFor(ctx: IExecuteFunctions, itemIndex: number): Promise<string> {
  const fromNode = String(ctx.getNodeParameter('webappId', itemIndex, '') ?? '').trim();
  if (/^\d+$/.test(fromNode)) return fromNode;
  const credentials = await ctx.getCredentials('runningHubApi');
  if (fromNode) {
    const named = parseNamedApps(credentials.apps).get(fromNode);
    if (named) return named;
    throw new NodeOperationError(ctx.getNode(), `No AI app named "${fromNode}"`, {
      itemIndex,
      description: `Add ${fromNode}=<webapp id> to Named AI Apps in the RunningHub credential (RUNNINGHUB_APPS), or put the webapp id itself on the node.`,
    });
  }
  const fromCredential = String(credentials.webappId ?? '').trim();
  if (fromCredential) return fromCredential;
  throw new NodeOperationError(ctx.getNode(), 'No webapp ID', {
    itemIndex,
    description: 'Set "Webapp ID" on the node or a default webapp ID in the RunningHub credential.',
  });
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const webappId = await webappIdFor(this, itemIndex);
  const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '').trim();
  const imageUrl = requiredString(this, 'imageUrl', 'Image URL', itemIndex);
  const seedValue = this.getNodeParameter('seed', itemIndex, '');
  const seed = seedValue === undefined || seedValue === null ? '' : String(seedValue).trim();
  const inputNodes = this.getNodeParameter('inputNodes', itemIndex, {}) as InputNodes;
  const webhookUrl = String(this.getNodeParameter('webhookUrl', itemIndex, '') ?? '').trim();

  const more = moreNodeInfo(
    ((this.getNodeParameter('moreInputs', itemIndex, {}) as { input?: MoreInput[] }).input ?? []) as MoreInput[],
  );
  if (more.problem) throw new NodeOperationError(this.getNode(), more.problem, { itemIndex });

  const body: IDataObject = {
    webappId,
    nodeInfoList: [...buildNodeInfoList(inputNodes, prompt, imageUrl, seed), ...more.list],
  };
  if (webhookUrl) body.webhookUrl = webhookUrl;

  const envelope = await runningHubCall(this, '/task/openapi/ai-app/run', body, {
    itemIndex,
    retry: retryPolicy(this, itemIndex),
  });
  const data = (envelope.data ?? {}) as IDataObject;
  const nodeErrors = promptNodeErrors(data.promptTips);
  if (nodeErrors) {
    throw new NodeApiError(this.getNode(), data as JsonObject, {
      message: 'RunningHub rejected the AI app inputs (node errors); check node IDs and field names',
      description: nodeErrors,
      itemIndex,
    });
  }
  if (!data.taskId) {
    throw new NodeApiError(this.getNode(), envelope as unknown as JsonObject, {
      message: 'RunningHub started no task (no taskId in the answer)',
      itemIndex,
    });
  }
  return { vendorTaskId: String(data.taskId), taskStatus: String(data.taskStatus ?? 'CREATE'), webappId };
}
