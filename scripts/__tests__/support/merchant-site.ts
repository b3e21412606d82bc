import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A merchant's own web presence on loopback: a shop that serves product photos (`GET
 * /shop/<name>`) and the endpoint of their systems that the example flows send results to
 * (`POST /erp/...`, recorded).
 */
export async function startMerchantSite(photos: Record<string, Buffer>) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const photo = path.startsWith('/shop/') ? photos[path.slice('/shop/'.length)] : undefined;
      if (req.method === 'GET' && photo) return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
      if (req.method === 'POST' && path.startsWith('/erp')) {
        received.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    /** JSON bodies received so far. */
    json: () =>
      received
        .filter((r) => String(r.headers['content-type']).startsWith('application/json'))
        .map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>),
    /** Multipart bodies received so far, parsed as a browser would. */
    forms: () =>
      Promise.all(
        received
          .filter((r) => String(r.headers['content-type']).startsWith('multipart/form-data'))
          .map((r) =>
            new Response(r.body, { headers: { 'content-type': String(r.headers['content-type']) } }).formData(),
          ),
      ),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
