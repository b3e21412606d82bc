import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

/**
 * The one signing scheme for messages between the backend and n8n (docs/architecture.md §6):
 *
 *   X-AiPhoto-Timestamp: <unix seconds>
 *   X-AiPhoto-Nonce:     <16 random bytes, hex>
 *   X-AiPhoto-Signature: v2=<hex HMAC-SHA256(secret, label + "." + timestamp + "." + nonce + "." + rawBody)>
 *
 * The label names the direction: `aiphoto-dispatch-v2` (backend → n8n, verified by the AI
 * Photo Trigger), `aiphoto-callback-v2` (n8n → backend: callbacks and the credential test), so
 * one direction's signature never verifies as the other's. The unlabelled form
 * (`v1=` over timestamp + "." + nonce + "." + rawBody) is deprecated: the trigger still accepts
 * it for one release (a backend older than these nodes); nothing here produces it.
 * The backend implements the same scheme; `fixtures/signature-vectors.json` holds vectors
 * both sides test against, so a change here that breaks them fails both test suites.
 */

export const TIMESTAMP_HEADER = 'X-AiPhoto-Timestamp';
export const NONCE_HEADER = 'X-AiPhoto-Nonce';
export const SIGNATURE_HEADER = 'X-AiPhoto-Signature';

/** A receiver accepts timestamps at most this far from its own clock, in either direction. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** A nonce is remembered this long; it exceeds the skew window so a replay can never slip through. */
export const NONCE_TTL_SECONDS = 600;

// A type alias (not an interface) so it is assignable to plain header records.
export type SignedHeaders = {
  'X-AiPhoto-Timestamp': string;
  'X-AiPhoto-Nonce': string;
  'X-AiPhoto-Signature': string;
};

export type RawBody = string | Buffer;

export type MessagePurpose = 'dispatch' | 'callback';
export const PURPOSE_LABELS: Record<MessagePurpose, string> = {
  dispatch: 'aiphoto-dispatch-v2',
  callback: 'aiphoto-callback-v2',
};

function hmacHex(secret: string, prefix: string, rawBody: RawBody): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(prefix, 'utf8');
  // Bytes as received: re-serialising parsed JSON would change key order or spacing.
  hmac.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
  return hmac.digest('hex');
}

export function computeSignature(
  secret: string,
  purpose: MessagePurpose,
  timestamp: string,
  nonce: string,
  rawBody: RawBody,
): string {
  return `v2=${hmacHex(secret, `${PURPOSE_LABELS[purpose]}.${timestamp}.${nonce}.`, rawBody)}`;
}

/** Deprecated: the unlabelled form, only verified (by the trigger, for one release). */
export function computeLegacySignature(secret: string, timestamp: string, nonce: string, rawBody: RawBody): string {
  return `v1=${hmacHex(secret, `${timestamp}.${nonce}.`, rawBody)}`;
}

/**
 * Headers for one message. `now` (milliseconds) and `nonce` are injectable so tests and the
 * shared vectors are deterministic; callers in production pass neither.
 */
export function signMessage(
  secret: string,
  purpose: MessagePurpose,
  rawBody: RawBody,
  now: number = Date.now(),
  nonce: string = randomBytes(16).toString('hex'),
): SignedHeaders {
  const timestamp = String(Math.floor(now / 1000));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: computeSignature(secret, purpose, timestamp, nonce, rawBody),
  };
}

/** Remembers nonces; `checkAndRemember` answers whether the nonce was already seen. */
export interface NonceStore {
  checkAndRemember(nonce: string, nowMs: number): boolean;
}

export type VerifyFailureCode =
  'SIGNATURE_MISSING' | 'TIMESTAMP_INVALID' | 'TIMESTAMP_STALE' | 'SIGNATURE_INVALID' | 'NONCE_REPLAYED';

export type VerifyResult = { ok: true; version: 'v2' | 'v1' } | { ok: false; code: VerifyFailureCode; message: string };

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface VerifyInput {
  secret: string;
  /** What the message must be: the receiver's side of the exchange. */
  purpose: MessagePurpose;
  /** Deprecated: also accept the unlabelled v1 form (the trigger, for one release). */
  acceptLegacy?: boolean;
  rawBody: RawBody;
  headers: HeaderBag;
  /** Milliseconds; defaults to the current time. */
  now?: number;
  /** Without a store the replay check is skipped (for one-off checks such as the fixture test). */
  nonceStore?: NonceStore;
}

/** A header by name, whatever its case; the first value when repeated. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; comparing against itself keeps the timing flat.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/**
 * Checks a signed message. The nonce is remembered only after the signature matched, so
 * unsigned garbage cannot fill the store or burn a legitimate sender's nonce.
 */
export function verifySignedMessage(input: VerifyInput): VerifyResult {
  const now = input.now ?? Date.now();
  const timestamp = headerValue(input.headers, TIMESTAMP_HEADER);
  const nonce = headerValue(input.headers, NONCE_HEADER);
  const signature = headerValue(input.headers, SIGNATURE_HEADER);
  if (!timestamp || !nonce || !signature) {
    return { ok: false, code: 'SIGNATURE_MISSING', message: 'The request is not signed' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, code: 'TIMESTAMP_INVALID', message: 'The signature timestamp is not a unix time' };
  }
  if (Math.abs(Math.floor(now / 1000) - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return {
      ok: false,
      code: 'TIMESTAMP_STALE',
      message: `The signature timestamp is more than ${MAX_CLOCK_SKEW_SECONDS} s away from this server's clock`,
    };
  }
  const version = signature.startsWith('v1=') && input.acceptLegacy ? 'v1' : 'v2';
  const expected =
    version === 'v1'
      ? computeLegacySignature(input.secret, timestamp, nonce, input.rawBody)
      : computeSignature(input.secret, input.purpose, timestamp, nonce, input.rawBody);
  if (!constantTimeEqual(expected, signature)) {
    return { ok: false, code: 'SIGNATURE_INVALID', message: 'The signature does not match the request' };
  }
  if (input.nonceStore?.checkAndRemember(nonce, now)) {
    return { ok: false, code: 'NONCE_REPLAYED', message: 'This request was already received (nonce reused)' };
  }
  return { ok: true, version };
}
