import { createHmac } from 'crypto';

import vectors from '../../fixtures/signature-vectors.json';
import { MemoryNonceStore } from '../nonce-store';
import {
  computeLegacySignature,
  computeSignature,
  PURPOSE_LABELS,
  signMessage,
  verifySignedMessage,
  type MessagePurpose,
} from '../signature';

function headersOf(vector: { timestamp: string; nonce: string; signature: string }) {
  return {
    'x-aiphoto-timestamp': vector.timestamp,
    'x-aiphoto-nonce': vector.nonce,
    'x-aiphoto-signature': vector.signature,
  };
}

const purposeOf = (vector: { purpose: string }) => vector.purpose as MessagePurpose;

describe('signature vectors shared with the backend', () => {
  it('labels each direction as the vectors do', () => {
    expect(PURPOSE_LABELS).toEqual(vectors.labels);
  });

  it.each(vectors.valid)('signs "$description" exactly like the vector', (vector) => {
    const headers = signMessage(
      vector.secret,
      purposeOf(vector),
      vector.rawBody,
      Number(vector.timestamp) * 1000,
      vector.nonce,
    );
    expect(headers['X-AiPhoto-Signature']).toBe(vector.signature);
    expect(headers['X-AiPhoto-Timestamp']).toBe(vector.timestamp);
  });

  it.each(vectors.valid)('vector "$description" matches an HMAC computed by hand', (vector) => {
    const label = vectors.labels[purposeOf(vector)];
    const hand = createHmac('sha256', vector.secret)
      .update(`${label}.${vector.timestamp}.${vector.nonce}.${vector.rawBody}`)
      .digest('hex');
    expect(vector.signature).toBe(`v2=${hand}`);
  });

  it.each(vectors.legacy)('deprecated v1 "$description": verified only where legacy is accepted', (vector) => {
    expect(computeLegacySignature(vector.secret, vector.timestamp, vector.nonce, vector.rawBody)).toBe(
      vector.signature,
    );
    const input = { secret: vector.secret, rawBody: vector.rawBody, headers: headersOf(vector) };
    const now = Number(vector.timestamp) * 1000;
    expect(verifySignedMessage({ ...input, purpose: 'dispatch', acceptLegacy: true, now })).toEqual({
      ok: true,
      version: 'v1',
    });
    expect(verifySignedMessage({ ...input, purpose: 'dispatch', now })).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
  });

  it.each(vectors.rejected)('rejects $description with $expectedCode', (vector) => {
    const result = verifySignedMessage({
      secret: vector.secret,
      purpose: purposeOf(vector),
      rawBody: vector.rawBody,
      headers: headersOf(vector),
      now: vector.nowSeconds * 1000,
    });
    expect(result).toEqual(expect.objectContaining({ ok: false, code: vector.expectedCode }));
  });

  it.each(vectors.accepted)('accepts $description', (vector) => {
    const result = verifySignedMessage({
      secret: vector.secret,
      purpose: purposeOf(vector),
      rawBody: vector.rawBody,
      headers: headersOf(vector),
      now: vector.nowSeconds * 1000,
    });
    expect(result).toEqual({ ok: true, version: 'v2' });
  });
});

describe('verifySignedMessage', () => {
  const secret = 's3cret';
  const body = '{"taskId":"t1"}';
  const now = 1_800_000_000_000;

  it('accepts the same body as a Buffer or a string', () => {
    const headers = signMessage(secret, 'callback', body, now, 'ab'.repeat(16));
    expect(verifySignedMessage({ secret, purpose: 'callback', rawBody: Buffer.from(body), headers, now })).toEqual({
      ok: true,
      version: 'v2',
    });
  });

  it('reads headers case-insensitively, as HTTP servers deliver them lower-cased', () => {
    const signed = signMessage(secret, 'callback', body, now);
    const lower = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers: lower, now })).toEqual({
      ok: true,
      version: 'v2',
    });
  });

  it('rejects a request without signature headers', () => {
    expect(verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers: {}, now })).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISSING',
    });
  });

  it('rejects a timestamp that is not a number', () => {
    const headers = { ...signMessage(secret, 'callback', body, now), 'X-AiPhoto-Timestamp': '12abc' };
    expect(verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers, now })).toMatchObject({
      code: 'TIMESTAMP_INVALID',
    });
  });

  it('rejects a replayed nonce but accepts a fresh signature of the same body', () => {
    const store = new MemoryNonceStore();
    const first = signMessage(secret, 'callback', body, now);
    expect(
      verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers: first, now, nonceStore: store }),
    ).toEqual({
      ok: true,
      version: 'v2',
    });
    expect(
      verifySignedMessage({
        secret,
        purpose: 'callback',
        rawBody: body,
        headers: first,
        now: now + 1000,
        nonceStore: store,
      }),
    ).toMatchObject({
      code: 'NONCE_REPLAYED',
    });
    const second = signMessage(secret, 'callback', body, now);
    expect(
      verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers: second, now, nonceStore: store }),
    ).toEqual({
      ok: true,
      version: 'v2',
    });
  });

  it('does not remember the nonce of a request whose signature failed', () => {
    const store = new MemoryNonceStore();
    const headers = signMessage(secret, 'callback', body, now, 'cd'.repeat(16));
    verifySignedMessage({ secret: 'wrong', purpose: 'callback', rawBody: body, headers, now, nonceStore: store });
    expect(store.size).toBe(0);
    expect(
      verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers, now, nonceStore: store }),
    ).toEqual({ ok: true, version: 'v2' });
  });

  it('uses a fresh 16-byte hex nonce per message', () => {
    const a = signMessage(secret, 'callback', body, now);
    const b = signMessage(secret, 'callback', body, now);
    expect(a['X-AiPhoto-Nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(a['X-AiPhoto-Nonce']).not.toBe(b['X-AiPhoto-Nonce']);
    expect(computeSignature(secret, 'callback', a['X-AiPhoto-Timestamp'], a['X-AiPhoto-Nonce'], body)).toBe(
      a['X-AiPhoto-Signature'],
    );
  });
});

describe('MemoryNonceStore', () => {
  it('forgets a nonce after its time to live', () => {
    const store = new MemoryNonceStore(600_000);
    expect(store.checkAndRemember('n1', 0)).toBe(false);
    expect(store.checkAndRemember('n1', 599_999)).toBe(true);
    expect(store.checkAndRemember('n1', 600_001)).toBe(false);
  });

  it('prunes expired entries so memory stays bounded', () => {
    const store = new MemoryNonceStore(1000);
    for (let i = 0; i < 50; i++) store.checkAndRemember(`n${i}`, i);
    store.checkAndRemember('late', 5000);
    expect(store.size).toBe(1);
  });

  it('drops the oldest entries beyond the size cap', () => {
    const store = new MemoryNonceStore(600_000, 10);
    for (let i = 0; i < 30; i++) store.checkAndRemember(`n${i}`, i);
    expect(store.size).toBe(10);
    // The newest are the ones kept.
    expect(store.checkAndRemember('n29', 31)).toBe(true);
    expect(store.checkAndRemember('n0', 31)).toBe(false);
  });
});
