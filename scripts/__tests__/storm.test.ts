/** The bench's storm generator (scripts/bench/storm.ts) against tiny local servers: counts and statuses, no timing. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encodeRequest, readAnswer, runStorm } from '../bench/storm';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void;

/** A server whose handler sees each request's body and its arrival number; closed after each test. */
const servers: Server[] = [];
async function serve(handler: Handler): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  let n = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString(), n++));
  });
  server.on('connection', (socket) => sockets.add(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
}
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

describe('storm generator', () => {
  it('holds every connection open at once, sends one request on each, and counts answers by status', async () => {
    const CONNECTIONS = 60;
    const held: Array<() => void> = [];
    const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];
    const { url, sockets } = await serve((req, res, body, n) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      // Nobody is answered until every request has arrived: the storm must have them all in flight.
      held.push(() => json(res, n < 10 ? 201 : 402, { n }));
      if (held.length === CONNECTIONS) for (const answer of held) answer();
    });
    const result = await runStorm({
      url: `${url}/api/v1/tasks?x=1`,
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'basic_clean' }),
      connections: CONNECTIONS,
    });
    expect(result.statuses).toEqual({ '201': 10, '402': 50 });
    expect(result.errors).toEqual({});
    expect(result.requests).toBe(CONNECTIONS);
    expect(sockets.size).toBe(CONNECTIONS);
    expect(seen).toHaveLength(CONNECTIONS);
    for (const request of seen)
      expect(request).toEqual({
        method: 'POST',
        url: '/api/v1/tasks?x=1',
        auth: 'Bearer t',
        body: '{"type":"basic_clean"}',
      });
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.p50).toBeGreaterThan(0);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
  });

  it('counts a connection reset or closed before its answer ended as an error', async () => {
    const { url } = await serve((req, res, _body, n) => {
      if (n % 3 === 0) return void req.socket.destroy(); // reset, no answer
      if (n % 3 === 1) {
        // Half an answer, then the connection closes.
        res.writeHead(200, { 'content-length': 100 });
        res.write('{"partial":');
        return void setImmediate(() => req.socket.destroy());
      }
      json(res, 200, { ok: true });
    });
    const result = await runStorm({ url, connections: 30 });
    expect(result.statuses).toEqual({ '200': 10, error: 20 });
    // By cause: a reset or an early close, whichever the socket saw first.
    expect(Object.values(result.errors).reduce((a, b) => a + b, 0)).toBe(20);
    expect(Object.keys(result.errors).every((cause) => ['ECONNRESET', 'closed early'].includes(cause))).toBe(true);
    expect(result.requests).toBe(10);
  });

  it('reads chunked answers and answers that end when the server closes', async () => {
    const { url } = await serve((req, res, _body, n) => {
      if (n % 2 === 0) {
        res.writeHead(202, { 'content-type': 'application/json' }); // chunked
        res.write('{"a":');
        res.end('1}');
      } else {
        // HTTP/1.0-style: no length, the close ends the body.
        req.socket.end('HTTP/1.1 203 OK\r\ncontent-type: text/plain\r\n\r\nbody until close');
      }
    });
    const result = await runStorm({ url, connections: 20 });
    expect(result.statuses).toEqual({ '202': 10, '203': 10 });
  });

  it('counts what is still unanswered at the deadline as timeouts', async () => {
    const { url } = await serve((_req, res, _body, n) => {
      if (n < 5) json(res, 200, {}); // the others never answer
    });
    // A bound, not a measurement: five loopback answers arrive well within it even on a loaded machine.
    const result = await runStorm({ url, connections: 8, timeoutMs: 3000 });
    expect(result.statuses).toEqual({ '200': 5, timeout: 3 });
  });

  it('counts a refused connection as an error', async () => {
    const { url, server } = await serve(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await runStorm({ url, connections: 3 });
    expect(result.statuses).toEqual({ error: 3 });
    expect(result.errors).toEqual({ ECONNREFUSED: 3 });
    expect(result.requests).toBe(0);
  });

  it('encodes the request once, and reads an answer as far as it has arrived', () => {
    const text = encodeRequest({
      url: 'http://127.0.0.1:8080/a?b=1',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Connection: 'keep-alive' },
      body: '{"é":1}',
    }).toString('utf8');
    expect(text).toBe(
      'POST /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\ncontent-type: application/json\r\nconnection: close\r\n' +
        'content-length: 8\r\n\r\n{"é":1}',
    );
    expect(readAnswer(Buffer.from('HTTP/1.1 201 Created\r\nContent-Length: 4\r\n'))).toEqual({});
    expect(readAnswer(Buffer.from('HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\n{}'))).toEqual({
      status: 201,
      complete: false,
    });
    expect(readAnswer(Buffer.from('HTTP/1.1 402 Payment Required\r\ncontent-length: 2\r\n\r\n{}'))).toEqual({
      status: 402,
      complete: true,
    });
    expect(readAnswer(Buffer.from('garbage\r\n\r\n'))).toEqual({ status: NaN, complete: true });
  });
});
