import { createHmac, randomBytes } from 'node:crypto';

/**
 * Merchant webhooks are signed per the Standard Webhooks specification (1.0, symmetric scheme),
 * so a merchant can verify them with the off-the-shelf library of any language:
 *
 *   webhook-id:        the event id (the same on every retry; receivers deduplicate on it)
 *   webhook-timestamp: unix seconds of this attempt
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + rawBody)>
 *
 * where the key is the endpoint secret `whsec_<base64>` without its prefix, base64-decoded.
 */
export const SECRET_PREFIX = 'whsec_';

export type StandardWebhookHeaders = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;

/** A new endpoint secret: 32 random bytes in standard base64 (the spec asks for 24–64 bytes). */
export function newEndpointSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The HMAC key behind a secret. Secrets issued before the switch are base64url; Node's base64
 * decoder reads both alphabets, so those endpoints keep working unchanged.
 */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

export function standardSignature(secret: string, id: string, timestamp: string, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.`).update(rawBody);
  return `v1,${mac.digest('base64')}`;
}

/** The three headers for one attempt; `id` must never contain a "." (ours are UUIDs). */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  rawBody: string | Buffer,
  nowMs = Date.now(),
): StandardWebhookHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': standardSignature(secret, id, timestamp, rawBody),
  };
}
