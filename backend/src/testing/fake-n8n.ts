import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryKeyValueStore } from '../infra/kv';
import { verifySignedMessage } from '../modules/n8n/signed-message';

export interface ReceivedDispatch {
  path: string;
  body: Record<string, unknown>;
  signatureOk: boolean;
  /** The bytes and signature headers as sent (for replaying a dispatch elsewhere). */
  rawBody: string;
  signedHeaders: Record<string, string>;
}

/**
 * A stand-in for n8n's webhook endpoint in backend integration tests: verifies the signed
 * dispatch like the AI Photo Trigger does and records it. `down` makes it answer 503.
 * (The e2e suites use the real n8n.)
 */
export async function startFakeN8n(
  secret: string,
): Promise<{ url: string; received: ReceivedDispatch[]; setDown(down: boolean): void; close(): Promise<void> }> {
  const received: ReceivedDispatch[] = [];
  const nonces = new MemoryKeyValueStore();
  let down = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (down) {
        res.writeHead(503).end('n8n is down');
        return;
      }
      const raw = Buffer.concat(chunks);
      const rawBody = raw.toString('utf8');
      const signedHeaders = Object.fromEntries(
        ['x-aiphoto-timestamp', 'x-aiphoto-nonce', 'x-aiphoto-signature'].map((n) => [n, String(req.headers[n] ?? '')]),
      );
      verifySignedMessage({ secret, purpose: 'dispatch', rawBody: raw, headers: req.headers, kv: nonces }).then(
        () => {
          received.push({
            path: req.url ?? '',
            body: JSON.parse(rawBody) as Record<string, unknown>,
            signatureOk: true,
            rawBody,
            signedHeaders,
          });
          res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"accepted":true}');
        },
        () => {
          received.push({ path: req.url ?? '', body: {}, signatureOk: false, rawBody, signedHeaders });
          res.writeHead(401).end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    setDown: (value) => {
      down = value;
    },
    close: async () => {
      await nonces.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
