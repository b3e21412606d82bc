import {
  NodeConnectionTypes,
  type IDataObject,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';

import { MemoryNonceStore } from '../../common/nonce-store';
import { readRawBody } from '../../common/read-raw-body';
import { verifyStandardWebhook } from '../../common/standard-webhooks';
import { endpointLifecycle, stateOf } from './endpoint-lifecycle';

/**
 * Event ids seen by this n8n process, kept for 10 minutes: AI Photo delivers at least once and
 * may resend an event whose answer it did not record; the workflow then runs once.
 */
export const seenDeliveries = new MemoryNonceStore(10 * 60 * 1000);

const EVENTS = ['task.done', 'task.failed', 'task.canceled'];

function parseEvent(raw: Buffer): IDataObject | null {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : null;
  } catch {
    return null;
  }
}

/**
 * "AI Photo Trigger (events)" for a merchant's own n8n: registers a webhook endpoint in the
 * merchant's AI Photo account on activation and removes it on deactivation; starts the workflow
 * for each signed task event. Not the operator's "AI Photo Trigger", which receives dispatches.
 */
export class AiPhotoEventTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'AI Photo Trigger (events)',
    name: 'aiPhotoEventTrigger',
    icon: { light: 'file:../../icons/aiPhoto.svg', dark: 'file:../../icons/aiPhoto.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
    description: 'Starts the workflow when an AI Photo task is done, failed or canceled',
    defaults: { name: 'AI Photo Trigger (events)' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'aiPhotoAccountApi', required: true }],
    webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'aiphoto-events' }],
    properties: [
      {
        displayName:
          'Activating the workflow registers this node as a webhook in your AI Photo account (it shows on the Developer page); deactivating removes it. AI Photo must be able to reach this n8n.',
        name: 'notice',
        type: 'notice',
        default: '',
      },
      {
        displayName: 'Events',
        name: 'events',
        type: 'multiOptions',
        required: true,
        default: ['task.done'],
        description: 'Which task events start the workflow',
        options: [
          { name: 'Task Canceled', value: 'task.canceled', description: 'Canceled, with the credit refunded' },
          { name: 'Task Done', value: 'task.done', description: 'With the signed result URLs' },
          { name: 'Task Failed', value: 'task.failed', description: 'With the error code and reason' },
        ],
      },
    ],
  };

  webhookMethods = { default: endpointLifecycle };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const req = this.getRequestObject();
    const res = this.getResponseObject();
    const refuse = (status: number, code: string, message: string): IWebhookResponseData => {
      res.status(status).json({ error: { code, message } });
      return { noWebhookResponse: true };
    };
    const { secret, endpointId } = stateOf(this);
    if (!secret) return refuse(401, 'NOT_REGISTERED', 'This trigger has no AI Photo endpoint; reactivate the workflow');
    const rawBody = await readRawBody(req);
    if (!rawBody) return refuse(400, 'VALIDATION_FAILED', 'The request body could not be read');
    const verdict = verifyStandardWebhook({
      secret,
      rawBody,
      headers: req.headers,
      seen: seenDeliveries,
      receiver: endpointId,
    });
    if (!verdict.ok) return refuse(401, verdict.code, verdict.message);
    const event = parseEvent(rawBody);
    if (!event || typeof event.type !== 'string')
      return refuse(400, 'VALIDATION_FAILED', 'The body is not an AI Photo event');
    const subscribed = (this.getNodeParameter('events') as string[]).filter((e) => EVENTS.includes(e));
    // A repeated event, a ping from the Developer page or an event not chosen: acknowledged, no run.
    if (verdict.duplicate || !subscribed.includes(event.type)) {
      res.status(200).json({ received: true, started: false });
      return { noWebhookResponse: true };
    }
    res.status(200).json({ received: true, started: true });
    return { noWebhookResponse: true, workflowData: [[{ json: event }]] };
  }
}
