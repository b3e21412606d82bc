/**
 * The logic behind the 开发者 page, kept out of the components so it can be unit-tested
 * without a DOM: the shown-once secret dialog, the webhook event choice, the how-to snippets,
 * and the automation error codes the merchant should read in words.
 */
import { ApiError } from '../api';
import type { Schemas } from '../common/openapi';
import type { MessageKey } from './messages';

export type WebhookEvent = NonNullable<Schemas['CreateWebhookEndpoint']['events']>[number];

/** The events a webhook can subscribe to, in the order the form shows them. */
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['task.done', 'task.failed', 'task.canceled'];

/** Adds or removes one event; the result keeps the form's order so requests are stable. */
export function toggleEvent(selected: readonly WebhookEvent[], event: WebhookEvent): WebhookEvent[] {
  const next = new Set(selected);
  if (next.has(event)) next.delete(event);
  else next.add(event);
  return WEBHOOK_EVENTS.filter((e) => next.has(e));
}

/**
 * Why the webhook form cannot be sent yet, or null. Only the form is checked here (http(s), at
 * least one event); whether the address is private is the server's call (400 WEBHOOK_URL_PRIVATE).
 */
export function webhookFormProblem(url: string, events: readonly WebhookEvent[]): 'url' | 'events' | null {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url.trim());
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return 'url';
  if (events.length === 0) return 'events';
  return null;
}

/**
 * A secret the server shows once (an API key or a webhook signing secret). Closing the dialog
 * forgets the value, so it cannot be re-opened from memory later: the server never returns it
 * again, and the page should not pretend otherwise.
 */
export type Reveal =
  | { open: false }
  | { open: true; kind: 'apiKey' | 'webhook'; label: string; secret: string; copy: 'idle' | 'copied' | 'failed' };

export type RevealAction =
  | { type: 'show'; kind: 'apiKey' | 'webhook'; label: string; secret: string }
  | { type: 'copied' }
  | { type: 'copyFailed' }
  | { type: 'close' };

export const HIDDEN: Reveal = { open: false };

export function revealReducer(state: Reveal, action: RevealAction): Reveal {
  switch (action.type) {
    case 'show':
      return { open: true, kind: action.kind, label: action.label, secret: action.secret, copy: 'idle' };
    case 'copied':
      return state.open ? { ...state, copy: 'copied' } : state;
    case 'copyFailed':
      return state.open ? { ...state, copy: 'failed' } : state;
    case 'close':
      return HIDDEN;
  }
}

/** Automation errors with a sentence of their own; anything else falls back to the generic text. */
const KNOWN_ERRORS: Partial<Record<string, MessageKey>> = {
  API_KEY_LIMIT: 'dev.error.API_KEY_LIMIT',
  WEBHOOK_LIMIT: 'dev.error.WEBHOOK_LIMIT',
  WEBHOOK_URL_PRIVATE: 'dev.error.WEBHOOK_URL_PRIVATE',
  API_KEY_NOT_ALLOWED: 'dev.error.API_KEY_NOT_ALLOWED',
  NOT_FOUND: 'dev.error.NOT_FOUND',
};

/** The message key for an automation error, or null when the common error text should be used. */
export function automationErrorKey(err: unknown): MessageKey | null {
  return err instanceof ApiError ? (KNOWN_ERRORS[err.code] ?? null) : null;
}

/**
 * The how-to's curl example: upload a photo with an API key, then create a white-background
 * task from the answered key. The Idempotency-Key makes a retried request create nothing twice.
 */
export function curlCreateTask(origin: string): string {
  return [
    `curl -H "Authorization: Bearer ak_…" -F file=@photo.jpg ${origin}/api/v1/uploads`,
    '# → {"key":"input/…/….jpg", …}',
    `curl -X POST ${origin}/api/v1/tasks \\`,
    '  -H "X-API-Key: ak_…" \\',
    '  -H "Idempotency-Key: order-1001-photo-1" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d '{"type":"basic_clean","inputKeys":["input/…/….jpg"]}'`,
  ].join('\n');
}

/**
 * The headers of every delivery (Standard Webhooks 1.0): the merchant verifies them with the
 * Standard Webhooks library of their language, or by hand exactly as the last line says.
 */
export const STANDARD_WEBHOOK_HEADERS = [
  'webhook-id: <event id, the same on every retry>',
  'webhook-timestamp: <unix seconds>',
  'webhook-signature: v1,base64(HMAC-SHA256(base64decode(secret without "whsec_"), id + "." + timestamp + "." + rawBody))',
].join('\n');

/** Verifying a delivery in Node.js with the reference library (`npm install standardwebhooks`). */
export const VERIFY_SNIPPET = [
  "import { Webhook } from 'standardwebhooks';",
  '',
  'const wh = new Webhook(process.env.AIPHOTO_WEBHOOK_SECRET); // whsec_…',
  '// rawBody: the request body exactly as received (a string or Buffer, before JSON.parse)',
  'const event = wh.verify(rawBody, req.headers); // throws when forged or older than 5 minutes',
].join('\n');

/** Headers of the scheme used before Standard Webhooks, still sent for one release. */
export const DEPRECATED_HEADERS = [
  'X-AiPhoto-Event, X-AiPhoto-Delivery, X-AiPhoto-Timestamp, X-AiPhoto-Nonce,',
  'X-AiPhoto-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + nonce + "." + rawBody))',
].join('\n');

export { formatTime } from '../format';
