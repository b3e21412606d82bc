import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../../jest/wait-for';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A loopback HTTP server standing in for the merchant backend / n8n webhook: records what
 * it receives and answers with a status and body the test chooses.
 */
export async function startReceiver(
  answer: (req: ReceivedRequest) => { status: number; body?: string } = () => ({ status: 204 }),
) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      const { status, body } = answer(entry);
      res.writeHead(status, body ? { 'Content-Type': 'application/json' } : {}).end(body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    /** Resolves once `count` requests have arrived. */
    async waitFor(count: number): Promise<void> {
      await waitFor(() => received.length >= count, { what: `${count} request(s) received` });
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
