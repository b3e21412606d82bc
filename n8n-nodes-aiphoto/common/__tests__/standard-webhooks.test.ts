import { randomBytes } from 'crypto';
import { Webhook } from 'standardwebhooks';

import { MemoryNonceStore } from '../nonce-store';
import { signStandardWebhook, verifyStandardWebhook } from '../standard-webhooks';

/** The JavaScript reference library of Standard Webhooks signs; our dependency-free verifier judges. */
describe('Standard Webhooks verification (node side)', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const body = JSON.stringify({ id: 'evt-1', type: 'task.done', data: { id: 't1' } });
  const signed = (id = 'evt-1', when = new Date(), payload = body) => {
    const timestamp = String(Math.floor(when.getTime() / 1000));
    return {
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': new Webhook(secret).sign(id, when, payload),
    };
  };

  it('accepts what the reference library signs, and signs the same itself', () => {
    const headers = signed();
    expect(verifyStandardWebhook({ secret, rawBody: Buffer.from(body), headers })).toEqual({
      ok: true,
      id: 'evt-1',
      duplicate: false,
    });
    expect(signStandardWebhook(secret, 'evt-1', headers['webhook-timestamp'], body)).toBe(headers['webhook-signature']);
  });

  it('accepts a header listing several signatures when one matches (secret rotation)', () => {
    const headers = signed();
    const other = new Webhook(`whsec_${randomBytes(32).toString('base64')}`).sign('evt-1', new Date(), body);
    const rotated = { ...headers, 'webhook-signature': `${other} ${headers['webhook-signature']}` };
    expect(verifyStandardWebhook({ secret, rawBody: body, headers: rotated }).ok).toBe(true);
  });

  it('refuses a changed body, another id, a stale or future timestamp and missing headers', () => {
    const headers = signed();
    const refused = (h: Record<string, string>, raw = body) =>
      (verifyStandardWebhook({ secret, rawBody: raw, headers: h }) as { code?: string }).code;
    expect(refused(headers, `${body} `)).toBe('SIGNATURE_INVALID');
    expect(refused({ ...headers, 'webhook-id': 'evt-2' })).toBe('SIGNATURE_INVALID');
    expect(refused(signed('evt-1', new Date(Date.now() - 301_000)))).toBe('TIMESTAMP_STALE');
    expect(refused(signed('evt-1', new Date(Date.now() + 301_000)))).toBe('TIMESTAMP_STALE');
    expect(refused({ ...headers, 'webhook-timestamp': 'soon' })).toBe('TIMESTAMP_INVALID');
    expect(refused({ 'webhook-id': 'evt-1', 'webhook-timestamp': headers['webhook-timestamp'] })).toBe(
      'SIGNATURE_MISSING',
    );
  });

  it('flags a delivery seen before by the same receiver as duplicate, not one for another receiver', () => {
    const seen = new MemoryNonceStore();
    const check = (receiver: string) =>
      verifyStandardWebhook({ secret, rawBody: body, headers: signed(), seen, receiver }) as { duplicate: boolean };
    expect(check('endpoint-a').duplicate).toBe(false);
    expect(check('endpoint-a').duplicate).toBe(true);
    expect(check('endpoint-b').duplicate).toBe(false);
  });

  it('reads secrets issued in base64url before the switch', () => {
    let raw = randomBytes(32);
    while (!/[-_]/.test(raw.toString('base64url'))) raw = randomBytes(32);
    const old = `whsec_${raw.toString('base64url')}`;
    const now = new Date();
    const headers = {
      'webhook-id': 'evt-1',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(`whsec_${raw.toString('base64')}`).sign('evt-1', now, body),
    };
    expect(verifyStandardWebhook({ secret: old, rawBody: body, headers }).ok).toBe(true);
  });
});
