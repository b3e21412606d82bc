import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MemoryKeyValueStore } from '../../../infra/kv';
import { computeSignature, signMessage, verifySignedMessage } from '../signed-message';

interface Vector {
  description: string;
  secret: string;
  timestamp: string;
  nonce: string;
  rawBody: string;
  signature: string;
}

// The vectors the n8n node package tests against too: both sides must agree byte for byte.
const vectors = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../../../../n8n-nodes-aiphoto/fixtures/signature-vectors.json'), 'utf8'),
) as { valid: Vector[] };

describe('signed messages between backend and n8n', () => {
  it.each(vectors.valid.map((v) => [v.description, v] as const))('matches the shared vector: %s', (_d, v) => {
    expect(computeSignature(v.secret, v.timestamp, v.nonce, v.rawBody)).toBe(v.signature);
  });

  const secret = 'unit-test-shared-secret-0001';
  const body = JSON.stringify({ taskId: 't1', event: 'done' });

  it('accepts its own signature once and refuses the replay', async () => {
    const kv = new MemoryKeyValueStore();
    const headers = signMessage(secret, body);
    await expect(verifySignedMessage({ secret, rawBody: body, headers, kv })).resolves.toBeUndefined();
    await expect(verifySignedMessage({ secret, rawBody: body, headers, kv })).rejects.toMatchObject({
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
    const { headers, rawBody } = mutate(signMessage(secret, body));
    await expect(verifySignedMessage({ secret, rawBody, headers, kv })).rejects.toMatchObject({ code });
    await kv.close();
  });

  it('refuses a timestamp more than 300 s away, in either direction', async () => {
    const kv = new MemoryKeyValueStore();
    const now = 1_800_000_000_000;
    for (const skew of [-301_000, 301_000]) {
      const headers = signMessage(secret, body, now + skew);
      await expect(verifySignedMessage({ secret, rawBody: body, headers, kv, nowMs: now })).rejects.toMatchObject({
        code: 'TIMESTAMP_STALE',
      });
    }
    await expect(
      verifySignedMessage({ secret, rawBody: body, headers: signMessage(secret, body, now + 299_000), kv, nowMs: now }),
    ).resolves.toBeUndefined();
    await kv.close();
  });

  it('does not burn the nonce of a forged request', async () => {
    const kv = new MemoryKeyValueStore();
    const good = signMessage(secret, body);
    const forged = { ...good, 'X-AiPhoto-Signature': 'v1=' + '0'.repeat(64) };
    await expect(verifySignedMessage({ secret, rawBody: body, headers: forged, kv })).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    await expect(verifySignedMessage({ secret, rawBody: body, headers: good, kv })).resolves.toBeUndefined();
    await kv.close();
  });
});
