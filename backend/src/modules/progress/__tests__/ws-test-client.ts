import { WebSocket } from 'ws';

/** Polls `check` until it returns a value other than undefined, failing after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

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
  auth: { token: string; via: 'query' | 'protocol' },
): Promise<TestSocket> {
  const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'));
  if (auth.via === 'query') url.searchParams.set('token', auth.token);
  const socket = new WebSocket(url, auth.via === 'protocol' ? ['aiphoto-progress', auth.token] : []);
  const messages: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  const client: TestSocket = {
    socket,
    messages,
    next: (type, index = 0) =>
      waitFor(() => messages.filter((m) => m.type === type)[index], `"${type}" message #${index}`),
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
  await client.next('ready');
  return client;
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
