import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { computeLegacySignature } from '../../n8n/signed-message';
import { newEndpointSecret, standardWebhookHeaders } from '../standard-webhooks';

/** The reference library (standard-webhooks/standard-webhooks, JavaScript) is the judge here. */
describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify({ id: 'evt', type: 'task.done', createdAt: '2025-01-01T00:00:00.000Z', data: {} });
  const id = '0b6f2f7e-4a55-4d1c-9c1e-5d1e0a5c2b10';

  it('issues whsec_ secrets of 32 random bytes in standard base64 that the library accepts', () => {
    const secret = newEndpointSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(() => new Webhook(secret)).not.toThrow();
    expect(newEndpointSecret()).not.toBe(secret);
  });

  it('produces headers the library verifies, and the same signature the library computes', () => {
    const secret = newEndpointSecret();
    const now = Date.now();
    const headers = standardWebhookHeaders(secret, id, body, now);
    expect(headers['webhook-id']).toBe(id);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now / 1000)));
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(secret).sign(id, new Date(Math.floor(now / 1000) * 1000), body)).toBe(
      headers['webhook-signature'],
    );
  });

  it('fails verification for another body, another secret, another id or a stale timestamp', () => {
    const secret = newEndpointSecret();
    const headers = standardWebhookHeaders(secret, id, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify(`${body} `, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(newEndpointSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
    expect(() => wh.verify(body, { ...headers, 'webhook-id': `${id}x` })).toThrow(WebhookVerificationError);
    const stale = standardWebhookHeaders(secret, id, body, Date.now() - 6 * 60_000);
    expect(() => wh.verify(body, stale)).toThrow(WebhookVerificationError);
  });

  it('keeps signing endpoints whose secret was issued in base64url before the switch', () => {
    // Chosen so the base64url form holds both "-" and "_": the alphabets differ there.
    let raw = randomBytes(32);
    while (!/[-_]/.test(raw.toString('base64url'))) raw = randomBytes(32);
    const legacySecret = `whsec_${raw.toString('base64url')}`;
    const headers = standardWebhookHeaders(legacySecret, id, body);
    // What the docs tell such merchants: the same bytes in the standard alphabet.
    expect(new Webhook(`whsec_${raw.toString('base64')}`).verify(body, headers)).toBeTruthy();
  });

  it('leaves the deprecated X-AiPhoto-Signature scheme exactly as merchants implemented it', () => {
    // A fixed vector: hex HMAC-SHA256 keyed with the whole secret string over "ts.nonce.body".
    expect(computeLegacySignature('whsec_test', '1700000000', '00112233445566778899aabbccddeeff', '{"a":1}')).toBe(
      'v1=aceaad74697083cf7f7f5a8f703d9fc549c7fe412a75f180d1e534b3953ce1a3',
    );
  });
});
