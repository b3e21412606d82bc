import type { IWebhookFunctions } from 'n8n-workflow';

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']>;

/**
 * The exact request bytes. n8n's body-parser middleware keeps them on `req.rawBody` (a
 * Buffer) and offers `req.readRawBody()` to fill it when the body was not parsed yet (for
 * content types n8n does not parse). Verifying the parsed-and-re-serialised JSON instead
 * would break on any difference in spacing or key order.
 */
export async function readRawBody(req: WebhookRequest): Promise<Buffer | undefined> {
  if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') {
    await req.readRawBody();
  }
  return Buffer.isBuffer(req.rawBody) ? req.rawBody : undefined;
}
