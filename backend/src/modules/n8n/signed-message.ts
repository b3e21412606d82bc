import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../errors/app-error';
import type { KeyValueStore } from '../../infra/kv';

/**
 * The backend side of the signed-message scheme shared with n8n (docs/architecture.md §6):
 *
 *   v2 (current):    v2=hex(HMAC-SHA256(secret, label + "." + timestamp + "." + nonce + "." + rawBody))
 *   v1 (deprecated): v1=hex(HMAC-SHA256(secret, timestamp + "." + nonce + "." + rawBody))
 *
 * The label names the message's direction (`aiphoto-dispatch-v2` backend → n8n,
 * `aiphoto-callback-v2` n8n → backend), so a signature made for one can never pass as the other
 * although both use the one shared secret. v1 has no label: it is still accepted on callbacks
 * for one release (n8n nodes older than this backend), never produced for n8n, and remains the
 * deprecated `X-AiPhoto-*` headers of merchant webhooks (keyed with the endpoint secret). The
 * node package implements the same scheme; both test against
 * `n8n-nodes-aiphoto/fixtures/signature-vectors.json`. Nonces live in the KeyValueStore (Redis
 * in production) so every replica sees them.
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;
export const NONCE_TTL_SECONDS = 600;

export type MessagePurpose = 'dispatch' | 'callback';
export const PURPOSE_LABELS: Record<MessagePurpose, string> = {
  dispatch: 'aiphoto-dispatch-v2',
  callback: 'aiphoto-callback-v2',
};

export type SignedHeaders = Record<'X-AiPhoto-Timestamp' | 'X-AiPhoto-Nonce' | 'X-AiPhoto-Signature', string>;

function hmacHex(secret: string, prefix: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(prefix).update(rawBody).digest('hex');
}

/** The current signature: bound to the message's purpose. */
export function computeSignature(
  secret: string,
  purpose: MessagePurpose,
  timestamp: string,
  nonce: string,
  rawBody: string | Buffer,
): string {
  return `v2=${hmacHex(secret, `${PURPOSE_LABELS[purpose]}.${timestamp}.${nonce}.`, rawBody)}`;
}

/** Deprecated: the unlabelled form (merchant webhooks' old headers; callbacks of older n8n nodes). */
export function computeLegacySignature(
  secret: string,
  timestamp: string,
  nonce: string,
  rawBody: string | Buffer,
): string {
  return `v1=${hmacHex(secret, `${timestamp}.${nonce}.`, rawBody)}`;
}

function headersFor(timestamp: string, nonce: string, signature: string): SignedHeaders {
  return { 'X-AiPhoto-Timestamp': timestamp, 'X-AiPhoto-Nonce': nonce, 'X-AiPhoto-Signature': signature };
}

/** Headers for one message to or from n8n. `nowMs` and `nonce` are injectable for tests. */
export function signMessage(
  secret: string,
  purpose: MessagePurpose,
  rawBody: string | Buffer,
  nowMs = Date.now(),
  nonce = randomBytes(16).toString('hex'),
): SignedHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  return headersFor(timestamp, nonce, computeSignature(secret, purpose, timestamp, nonce, rawBody));
}

/** Deprecated unlabelled headers: only the merchant webhooks' old `X-AiPhoto-*` headers use them. */
export function signLegacyMessage(
  secret: string,
  rawBody: string | Buffer,
  nowMs = Date.now(),
  nonce = randomBytes(16).toString('hex'),
): SignedHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  return headersFor(timestamp, nonce, computeLegacySignature(secret, timestamp, nonce, rawBody));
}

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name.toLowerCase()] ?? headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Verifies timestamp window, signature (constant time, for `purpose`) and then the nonce
 * (remembered only after the signature matched, so forged requests cannot burn nonces). A v1
 * signature is checked only when `acceptLegacy` (deprecated; callbacks for one release). Throws
 * 401 with a stable code on any failure; answers which form verified.
 */
export async function verifySignedMessage(input: {
  secret: string;
  purpose: MessagePurpose;
  rawBody: string | Buffer;
  headers: HeaderBag;
  kv: KeyValueStore;
  nowMs?: number;
  acceptLegacy?: boolean;
}): Promise<'v2' | 'v1'> {
  const timestamp = header(input.headers, 'X-AiPhoto-Timestamp');
  const nonce = header(input.headers, 'X-AiPhoto-Nonce');
  const signature = header(input.headers, 'X-AiPhoto-Signature');
  if (!timestamp || !nonce || !signature) throw new UnauthorizedError('The request is not signed', 'SIGNATURE_MISSING');
  if (!/^\d{1,12}$/.test(timestamp))
    throw new UnauthorizedError('The signature timestamp is not a unix time', 'TIMESTAMP_INVALID');
  const now = Math.floor((input.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    throw new UnauthorizedError('The signature timestamp is outside the allowed window', 'TIMESTAMP_STALE');
  }
  if (!/^[0-9a-f]{32,128}$/i.test(nonce))
    throw new UnauthorizedError('The nonce must be 16+ random bytes in hex', 'NONCE_INVALID');
  const version = signature.startsWith('v1=') && input.acceptLegacy ? 'v1' : 'v2';
  const expected =
    version === 'v1'
      ? computeLegacySignature(input.secret, timestamp, nonce, input.rawBody)
      : computeSignature(input.secret, input.purpose, timestamp, nonce, input.rawBody);
  if (!sameText(expected, signature)) {
    throw new UnauthorizedError('The signature does not match the request', 'SIGNATURE_INVALID');
  }
  if (!(await input.kv.setIfAbsent(`n8n-nonce:${nonce}`, '1', NONCE_TTL_SECONDS))) {
    throw new UnauthorizedError('This request was already received (nonce reused)', 'NONCE_REPLAYED');
  }
  return version;
}
