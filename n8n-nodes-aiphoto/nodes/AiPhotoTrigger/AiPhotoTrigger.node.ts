import {
  NodeConnectionTypes,
  type IDataObject,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';

import { headerValue, NONCE_HEADER, verifySignedMessage } from '../../common/signature';
import { readRawBody } from '../../common/read-raw-body';
import { processMemory, triggerMemory, type TriggerMemory } from '../../common/trigger-memory';

/**
 * Without a Redis URL in the credential: the nonces and started tasks of this n8n process. The
 * backend resends a dispatch only if it crashed between our 202 and recording it; starting the
 * workflow again would call the vendor twice. With one (queue mode) both live in Redis and every
 * webhook process sees the same memory (shared/trigger-memory.ts).
 */
export const dispatchNonces = processMemory.nonces;
export const startedTasks = processMemory.startedTasks;

/** The API error shape, answered at once; the workflow does not start. */
function refuse(this: IWebhookFunctions, status: number, code: string, message: string): IWebhookResponseData {
  this.getResponseObject().status(status).json({ error: { code, message } });
  return { noWebhookResponse: true };
}

function parseTask(raw: Buffer): IDataObject | undefined {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const task = parsed as IDataObject;
    return typeof task.taskId === 'string' && task.taskId !== '' ? task : undefined;
  } catch {
    return undefined;
  }
}

// No webhookMethods: nothing is registered elsewhere. The backend sends each dispatch to the
// fixed path the task type names (`webhookPath`), and the shared secret authenticates it.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete -- see above
export class AiPhotoTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'AI Photo Trigger',
    name: 'aiPhotoTrigger',
    icon: { light: 'file:../../icons/aiPhoto.svg', dark: 'file:../../icons/aiPhoto.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{ "POST /webhook/" + $parameter["path"] }}',
    description:
      'Starts the workflow when the AI Photo backend dispatches a task. Accepts only correctly signed requests and answers 202 at once.',
    defaults: { name: 'AI Photo Trigger' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'aiPhotoApi', required: true }],
    webhooks: [
      {
        name: 'default',
        httpMethod: 'POST',
        responseMode: 'onReceived',
        // Full path so the URL is exactly /webhook/<path>, as the backend's task-type registry expects.
        path: '={{ $parameter["path"] }}',
        isFullPath: true,
      },
    ],
    properties: [
      {
        displayName: 'Path',
        name: 'path',
        type: 'string',
        default: 'aiphoto-basic-clean',
        required: true,
        description:
          'Webhook path the backend dispatches to: aiphoto-basic-clean or aiphoto-model-pose12. Each workflow needs its own.',
      },
    ],
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const req = this.getRequestObject();
    const res = this.getResponseObject();
    const credentials = await this.getCredentials('aiPhotoApi');
    const rawBody = await readRawBody(req);

    // The signature first (no memory involved), so unsigned garbage never reaches Redis. It must
    // be a dispatch's (a callback's signature never passes); the unlabelled v1 form of backends
    // older than this package is accepted for one release (deprecated, docs/architecture.md §6).
    const verdict = rawBody
      ? verifySignedMessage({
          secret: String(credentials.sharedSecret),
          purpose: 'dispatch',
          acceptLegacy: true,
          rawBody,
          headers: req.headers,
        })
      : ({ ok: false, code: 'SIGNATURE_INVALID', message: 'The request body could not be read' } as const);
    if (!verdict.ok) return refuse.call(this, 401, verdict.code, verdict.message);

    let memory: TriggerMemory;
    try {
      memory = triggerMemory(typeof credentials.redisUrl === 'string' ? credentials.redisUrl : undefined);
    } catch (error) {
      return refuse.call(this, 500, 'REDIS_URL_INVALID', `The credential's Redis URL: ${(error as Error).message}`);
    }
    const now = Date.now();
    const task = rawBody ? parseTask(rawBody) : undefined;
    let replayed: boolean;
    let duplicate = false;
    try {
      replayed = await memory.nonces.checkAndRemember(String(headerValue(req.headers, NONCE_HEADER)), now);
      if (!replayed && task) duplicate = await memory.startedTasks.checkAndRemember(String(task.taskId), now);
    } catch (error) {
      // Fail closed: without the shared memory a resend could start a second run. The backend's
      // outbox retries a 503 with backoff until the task's deadline.
      return refuse.call(this, 503, 'SHARED_STATE_UNAVAILABLE', `The trigger's Redis: ${(error as Error).message}`);
    }
    if (replayed) return refuse.call(this, 401, 'NONCE_REPLAYED', 'This request was already received (nonce reused)');
    if (!task)
      return refuse.call(this, 400, 'VALIDATION_FAILED', 'The dispatch body must be a JSON object with a taskId');

    // Answer before the workflow runs: the backend marks the task processing on this 202.
    if (duplicate) {
      res.status(202).json({ accepted: true, taskId: task.taskId, duplicate: true });
      return { noWebhookResponse: true };
    }
    res.status(202).json({ accepted: true, taskId: task.taskId });
    return { noWebhookResponse: true, workflowData: [[{ json: task }]] };
  }
}
