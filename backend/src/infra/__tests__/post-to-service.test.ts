import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServicePoster } from '../post-to-service';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A local HTTP server whose answer each test sets; it remembers what arrived and on which socket. */
async function startServer(): Promise<{
  url: (path: string) => URL;
  answer: (handler: Handler) => void;
  received: Array<{ method?: string; path?: string; headers: IncomingMessage['headers']; body: string; port: number }>;
  close: () => Promise<void>;
}> {
  let handler: Handler = (_req, _body, res) => res.end();
  const received: Array<{
    method?: string;
    path?: string;
    headers: IncomingMessage['headers'];
    body: string;
    port: number;
  }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method,
        path: req.url,
        headers: req.headers,
        body,
        port: req.socket.remotePort ?? 0,
      });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => new URL(path, `http://127.0.0.1:${port}`),
    answer: (h) => (handler = h),
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('ServicePoster', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let poster: ServicePoster;

  beforeEach(async () => {
    server = await startServer();
    poster = new ServicePoster();
  });

  afterEach(async () => {
    poster.close();
    await server.close();
  });

  it('POSTs the body with its headers and answers the status and the body text', async () => {
    server.answer((_req, _body, res) => {
      res.statusCode = 202;
      res.end('accepted');
    });
    const answer = await poster.post(server.url('/webhook/x'), '{"a":"é"}', {
      headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' },
      timeoutMs: 5000,
    });
    expect(answer).toEqual({ status: 202, text: 'accepted' });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({
      method: 'POST',
      path: '/webhook/x',
      body: '{"a":"é"}',
      headers: { 'content-type': 'application/json', 'x-test': 'yes', 'content-length': '10' },
    });
  });

  it('keeps only the first keepBytes of a long answer, and reads the rest', async () => {
    server.answer((_req, _body, res) => {
      res.statusCode = 500;
      res.write('x'.repeat(300));
      res.end('y'.repeat(100_000));
    });
    const answer = await poster.post(server.url('/'), '{}', { headers: {}, timeoutMs: 5000, keepBytes: 200 });
    expect(answer).toEqual({ status: 500, text: 'x'.repeat(200) });
  });

  it('reuses one kept-alive connection for POSTs one after another', async () => {
    server.answer((_req, _body, res) => res.end('ok'));
    for (let i = 0; i < 3; i++) await poster.post(server.url('/'), String(i), { headers: {}, timeoutMs: 5000 });
    expect(server.received.map((r) => r.body)).toEqual(['0', '1', '2']);
    expect(new Set(server.received.map((r) => r.port)).size).toBe(1);
  });

  it('fails when nothing answers within the timeout', async () => {
    server.answer(() => undefined); // never answers
    await expect(poster.post(server.url('/'), '{}', { headers: {}, timeoutMs: 50 })).rejects.toThrow(
      'no answer within 50 ms',
    );
  });

  it('fails when the server cuts the answer off', async () => {
    server.answer((req, _body, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      // Let the head and the first bytes arrive, then drop the connection mid-body.
      setImmediate(() => req.socket.destroy());
    });
    await expect(poster.post(server.url('/'), '{}', { headers: {}, timeoutMs: 5000 })).rejects.toThrow();
  });

  it('fails when the service is not listening, and refuses other schemes', async () => {
    const url = server.url('/');
    await server.close();
    await expect(poster.post(url, '{}', { headers: {}, timeoutMs: 5000 })).rejects.toThrow(/ECONNREFUSED/);
    await expect(poster.post(new URL('ftp://127.0.0.1/'), '{}', { headers: {}, timeoutMs: 5000 })).rejects.toThrow(
      'not an http(s) URL',
    );
  });
});
