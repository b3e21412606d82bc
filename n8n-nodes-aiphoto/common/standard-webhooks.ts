import { createHmac, timingSafeEqual } from 'crypto';

import type { HeaderBag, NonceStore, RawBody } from './signature';

/**
 * Receiving merchant webhooks signed per the Standard Webhooks specification (what AI Photo
 * sends to the endpoints it registers):
 *
 *   webhook-id:        the event id, the same on every retry
 *   webhook-timestamp: unix seconds of the attempt
 *   webhook-signature: space-separated "v1,<base64 HMAC-SHA256(key, id + '.' + timestamp + '.' + rawBody)>"
 *
 * with the key the base64 part of the `whsec_…` secret, decoded. Dependency-free on purpose
 * (the node package has none); the tests check it against the reference library.
 */
export const TOLERANCE_SECONDS = 300;

export type WebhookVerifyCode = 'SIGNATURE_MISSING' | 'TIMESTAMP_INVALID' | 'TIMESTAMP_STALE' | 'SIGNATURE_INVALID';

export type WebhookVerdict =
  { ok: true; id: string; duplicate: boolean } | { ok: false; code: WebhookVerifyCode; message: string };

function header(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** The HMAC key of a `whsec_<base64>` secret (Buffer reads base64 and base64url alike). */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

export function signStandardWebhook(secret: string, id: string, timestamp: string, rawBody: RawBody): string {
  const mac = createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.`);
  mac.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
  return `v1,${mac.digest('base64')}`;
}

function sameSignature(expected: string, candidate: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(candidate);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks one delivery: all three headers, a timestamp within 5 minutes either way, and one
 * `v1` signature that matches in constant time. Only then is the id remembered: a delivery
 * seen before is `duplicate` (AI Photo may send an event again; receivers act on it once).
 */
export function verifyStandardWebhook(input: {
  secret: string;
  rawBody: RawBody;
  headers: HeaderBag;
  now?: number;
  seen?: NonceStore;
  /** Names the receiver in `seen`: one event goes to every endpoint of the account, same id. */
  receiver?: string;
}): WebhookVerdict {
  const id = header(input.headers, 'webhook-id');
  const timestamp = header(input.headers, 'webhook-timestamp');
  const signatures = header(input.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    return {
      ok: false,
      code: 'SIGNATURE_MISSING',
      message: 'The webhook-id, -timestamp and -signature headers are required',
    };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, code: 'TIMESTAMP_INVALID', message: 'webhook-timestamp is not a unix time' };
  }
  const now = input.now ?? Date.now();
  if (Math.abs(Math.floor(now / 1000) - Number(timestamp)) > TOLERANCE_SECONDS) {
    return {
      ok: false,
      code: 'TIMESTAMP_STALE',
      message: `webhook-timestamp is more than ${TOLERANCE_SECONDS} s away`,
    };
  }
  const expected = signStandardWebhook(input.secret, id, timestamp, input.rawBody);
  const matches = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .some((s) => sameSignature(expected, s));
  if (!matches) return { ok: false, code: 'SIGNATURE_INVALID', message: 'No webhook-signature matches the delivery' };
  return { ok: true, id, duplicate: input.seen?.checkAndRemember(`${input.receiver ?? ''}:${id}`, now) ?? false };
}
