import {
  NodeConnectionTypes,
  type IDataObject,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';

import { MemoryNonceStore } from '../../shared/nonce-store';
import { verifySignedMessage } from '../../shared/signature';
import { readRawBody } from '../../shared/read-raw-body';

/** One store per n8n process: nonces must outlive a single execution to catch replays. */
export const dispatchNonces = new MemoryNonceStore();
/**
 * Tasks already started by this process. The backend resends a dispatch only if it crashed
 * between our 202 and recording it; starting the workflow again would call the vendor twice.
 * Per process, like the nonces (several webhook processes would each start it once).
 */
export const startedTasks = new MemoryNonceStore(6 * 3600 * 1000);

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

export class AiPhotoTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'AI Photo Trigger',
    name: 'aiPhotoTrigger',
    icon: 'file:aiPhoto.svg',
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

    const verdict = rawBody
      ? verifySignedMessage({
          secret: String(credentials.sharedSecret),
          rawBody,
          headers: req.headers,
          nonceStore: dispatchNonces,
        })
      : ({ ok: false, code: 'SIGNATURE_INVALID', message: 'The request body could not be read' } as const);
    if (!verdict.ok) {
      res.status(401).json({ error: { code: verdict.code, message: verdict.message } });
      return { noWebhookResponse: true };
    }

    const task = rawBody ? parseTask(rawBody) : undefined;
    if (!task) {
      res.status(400).json({
        error: { code: 'VALIDATION_FAILED', message: 'The dispatch body must be a JSON object with a taskId' },
      });
      return { noWebhookResponse: true };
    }

    // Answer before the workflow runs: the backend marks the task processing on this 202.
    if (startedTasks.checkAndRemember(`task:${task.taskId}`, Date.now())) {
      res.status(202).json({ accepted: true, taskId: task.taskId, duplicate: true });
      return { noWebhookResponse: true };
    }
    res.status(202).json({ accepted: true, taskId: task.taskId });
    return { noWebhookResponse: true, workflowData: [[{ json: task }]] };
  }
}
