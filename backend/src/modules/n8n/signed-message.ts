import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../errors/app-error';
import type { KeyValueStore } from '../../infra/kv';

/**
 * The backend side of the signed-message scheme shared with n8n (docs/architecture.md §6):
 * `v1=hex(HMAC-SHA256(secret, timestamp + "." + nonce + "." + rawBody))`. The node package
 * implements the same scheme; both test against `n8n-nodes-aiphoto/fixtures/signature-vectors.json`.
 * Here nonces live in the KeyValueStore (Redis in production) so every replica sees them.
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;
export const NONCE_TTL_SECONDS = 600;

export type SignedHeaders = Record<'X-AiPhoto-Timestamp' | 'X-AiPhoto-Nonce' | 'X-AiPhoto-Signature', string>;

export function computeSignature(secret: string, timestamp: string, nonce: string, rawBody: string | Buffer): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${nonce}.`).update(rawBody).digest('hex')}`;
}

export function signMessage(
  secret: string,
  rawBody: string | Buffer,
  nowMs = Date.now(),
  nonce = randomBytes(16).toString('hex'),
): SignedHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'X-AiPhoto-Timestamp': timestamp,
    'X-AiPhoto-Nonce': nonce,
    'X-AiPhoto-Signature': computeSignature(secret, timestamp, nonce, rawBody),
  };
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
 * Verifies timestamp window, signature (constant time) and then the nonce (remembered only
 * after the signature matched, so forged requests cannot burn nonces). Throws 401 with a
 * stable code on any failure.
 */
export async function verifySignedMessage(input: {
  secret: string;
  rawBody: string | Buffer;
  headers: HeaderBag;
  kv: KeyValueStore;
  nowMs?: number;
}): Promise<void> {
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
  if (!sameText(computeSignature(input.secret, timestamp, nonce, input.rawBody), signature)) {
    throw new UnauthorizedError('The signature does not match the request', 'SIGNATURE_INVALID');
  }
  if (!(await input.kv.setIfAbsent(`n8n-nonce:${nonce}`, '1', NONCE_TTL_SECONDS))) {
    throw new UnauthorizedError('This request was already received (nonce reused)', 'NONCE_REPLAYED');
  }
}
