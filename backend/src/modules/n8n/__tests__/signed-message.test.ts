import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MemoryKeyValueStore } from '../../../infra/kv';
import {
  computeLegacySignature,
  computeSignature,
  PURPOSE_LABELS,
  signMessage,
  verifySignedMessage,
  type MessagePurpose,
} from '../signed-message';

interface Vector {
  description: string;
  purpose: MessagePurpose;
  secret: string;
  timestamp: string;
  nonce: string;
  rawBody: string;
  signature: string;
  nowSeconds?: number;
  expectedCode?: string;
}

// The vectors the n8n node package tests against too: both sides must agree byte for byte.
const vectors = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../../../../n8n-nodes-aiphoto/fixtures/signature-vectors.json'), 'utf8'),
) as {
  labels: Record<MessagePurpose, string>;
  valid: Vector[];
  legacy: Vector[];
  rejected: Vector[];
  accepted: Vector[];
};
const headersOf = (v: Vector) => ({
  'x-aiphoto-timestamp': v.timestamp,
  'x-aiphoto-nonce': v.nonce,
  'x-aiphoto-signature': v.signature,
});

/** Verifies a shared vector at its own clock (`nowSeconds`) with a fresh replay store. */
async function verifyVector(v: Vector) {
  const kv = new MemoryKeyValueStore();
  try {
    return await verifySignedMessage({
      secret: v.secret,
      purpose: v.purpose,
      rawBody: v.rawBody,
      headers: headersOf(v),
      kv,
      nowMs: v.nowSeconds! * 1000,
    });
  } finally {
    await kv.close();
  }
}

describe('signed messages between backend and n8n', () => {
  it('labels each direction as the shared vectors do', () => {
    expect(PURPOSE_LABELS).toEqual(vectors.labels);
  });

  it.each(vectors.valid.map((v) => [v.description, v] as const))('matches the shared vector: %s', (_d, v) => {
    expect(computeSignature(v.secret, v.purpose, v.timestamp, v.nonce, v.rawBody)).toBe(v.signature);
    expect(signMessage(v.secret, v.purpose, v.rawBody, Number(v.timestamp) * 1000, v.nonce)).toEqual({
      'X-AiPhoto-Timestamp': v.timestamp,
      'X-AiPhoto-Nonce': v.nonce,
      'X-AiPhoto-Signature': v.signature,
    });
  });

  it.each(vectors.legacy.map((v) => [v.description, v] as const))(
    'deprecated v1 vector %s: accepted only where legacy is',
    async (_d, v) => {
      expect(computeLegacySignature(v.secret, v.timestamp, v.nonce, v.rawBody)).toBe(v.signature);
      const kv = new MemoryKeyValueStore();
      const input = { secret: v.secret, rawBody: v.rawBody, headers: headersOf(v), kv };
      const nowMs = Number(v.timestamp) * 1000;
      await expect(verifySignedMessage({ ...input, purpose: 'callback', nowMs })).rejects.toMatchObject({
        code: 'SIGNATURE_INVALID',
      });
      await expect(verifySignedMessage({ ...input, purpose: 'callback', nowMs, acceptLegacy: true })).resolves.toBe(
        'v1',
      );
      await kv.close();
    },
  );

  it.each(vectors.rejected.map((v) => [v.description, v] as const))('refuses the shared vector: %s', async (_d, v) => {
    await expect(verifyVector(v)).rejects.toMatchObject({ status: 401, code: v.expectedCode });
  });

  it.each(vectors.accepted.map((v) => [v.description, v] as const))('accepts the shared vector: %s', async (_d, v) => {
    await expect(verifyVector(v)).resolves.toBe('v2');
  });

  const secret = 'unit-test-shared-secret-0001';
  const body = JSON.stringify({ taskId: 't1', event: 'done' });

  it('accepts its own signature once and refuses the replay', async () => {
    const kv = new MemoryKeyValueStore();
    const headers = signMessage(secret, 'callback', body);
    await expect(verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers, kv })).resolves.toBe('v2');
    await expect(
      verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers, kv }),
    ).rejects.toMatchObject({
      status: 401,
      code: 'NONCE_REPLAYED',
    });
    await kv.close();
  });

  it.each([
    [
      'a tampered body',
      (h: Record<string, string>) => ({ headers: h, rawBody: body.replace('done', 'failed') }),
      'SIGNATURE_INVALID',
    ],
    [
      'a wrong secret',
      (h: Record<string, string>) => ({
        headers: {
          ...h,
          'X-AiPhoto-Signature': computeSignature(
            'other-secret-000000',
            'callback',
            h['X-AiPhoto-Timestamp'],
            h['X-AiPhoto-Nonce'],
            body,
          ),
        },
        rawBody: body,
      }),
      'SIGNATURE_INVALID',
    ],
    [
      'a missing signature',
      (h: Record<string, string>) => ({ headers: { 'X-AiPhoto-Timestamp': h['X-AiPhoto-Timestamp'] }, rawBody: body }),
      'SIGNATURE_MISSING',
    ],
  ])('refuses %s', async (_name, mutate, code) => {
    const kv = new MemoryKeyValueStore();
    const { headers, rawBody } = mutate(signMessage(secret, 'callback', body));
    await expect(verifySignedMessage({ secret, purpose: 'callback', rawBody, headers, kv })).rejects.toMatchObject({
      code,
    });
    await kv.close();
  });

  it('refuses a timestamp more than 300 s away, in either direction', async () => {
    const kv = new MemoryKeyValueStore();
    const now = 1_800_000_000_000;
    for (const skew of [-301_000, 301_000]) {
      const headers = signMessage(secret, 'callback', body, now + skew);
      await expect(
        verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers, kv, nowMs: now }),
      ).rejects.toMatchObject({
        code: 'TIMESTAMP_STALE',
      });
    }
    await expect(
      verifySignedMessage({
        secret,
        purpose: 'callback',
        rawBody: body,
        headers: signMessage(secret, 'callback', body, now + 299_000),
        kv,
        nowMs: now,
      }),
    ).resolves.toBe('v2');
    await kv.close();
  });

  it('does not burn the nonce of a forged request', async () => {
    const kv = new MemoryKeyValueStore();
    const good = signMessage(secret, 'callback', body);
    const forged = { ...good, 'X-AiPhoto-Signature': 'v1=' + '0'.repeat(64) };
    await expect(
      verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers: forged, kv }),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    await expect(verifySignedMessage({ secret, purpose: 'callback', rawBody: body, headers: good, kv })).resolves.toBe(
      'v2',
    );
    await kv.close();
  });
});
