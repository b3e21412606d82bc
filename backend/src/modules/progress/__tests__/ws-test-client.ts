import net from 'node:net';
import { WebSocket } from 'ws';
import { waitFor } from '../../../../../jest/wait-for';

export interface TestSocket {
  socket: WebSocket;
  messages: Array<Record<string, unknown>>;
  /** The first message (in arrival order) of that type, waiting for it within a bound. */
  next(type: string, index?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Connects and resolves once the server announced `ready` (its subscription is live). */
export async function connectProgress(
  baseUrl: string,
  auth: { token: string; via: 'query' | 'protocol' | 'message' },
): Promise<TestSocket> {
  const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'));
  if (auth.via === 'query') url.searchParams.set('token', auth.token);
  const protocols = { query: [], protocol: ['aiphoto-progress', auth.token], message: ['aiphoto-progress'] }[auth.via];
  const socket = new WebSocket(url, protocols);
  const messages: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  const client: TestSocket = {
    socket,
    messages,
    next: (type, index = 0) =>
      waitFor(() => messages.filter((m) => m.type === type)[index], { what: `"${type}" message #${index}` }),
    close: async () => {
      if (socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close();
      await closed;
    },
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  if (auth.via === 'message') socket.send(JSON.stringify({ type: 'auth', token: auth.token }));
  await client.next('ready');
  return client;
}

/** Resolves with the close code and reason once the socket is closed. */
export function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.reject(new Error('already closed; listen before'));
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

/** Opens a socket that offers only our protocol (the token is to come as the first message). */
export async function openUnauthenticated(baseUrl: string): Promise<WebSocket> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, ['aiphoto-progress']);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** The HTTP status a refused upgrade of `target` (path and query) answered with. */
export function refusedStatus(baseUrl: string, target = '/ws', protocols: string[] = []): Promise<number> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${target}`, protocols);
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      // The server ends the connection after refusing; drop our side without a close handshake.
      res.destroy();
    });
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('error', () => undefined);
  });
}

export interface RawAnswer {
  /** The status line's code, or 0 when the server answered nothing before closing. */
  status: number;
  raw: string;
  /** Our end of the connection (already destroyed unless `keepOurSide`). */
  socket: net.Socket;
}

/**
 * Sends one hand-written upgrade request over a plain TCP socket (a WebSocket client would
 * refuse to send a hostile request-target) and collects the answer until the server ends the
 * connection (our side stays half-open until then, so only the server can end the wait).
 * `keepOurSide` leaves our side open afterwards, to see whether the server let go of it.
 */
export function rawUpgrade(
  baseUrl: string,
  target: string,
  options: { method?: string; headers?: Record<string, string>; timeoutMs?: number; keepOurSide?: boolean } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const headers = {
    Host: 'x',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...options.headers,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const socket = net.connect({ host: hostname, port: Number(port), allowHalfOpen: true });
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept ${target} open: ${Buffer.concat(chunks).toString()}`));
    }, options.timeoutMs ?? 5000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      if (!options.keepOurSide) socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0), raw, socket });
    });
    socket.write(`${options.method ?? 'GET'} ${target} HTTP/1.1\r\n${head}\r\n`);
  });
}
