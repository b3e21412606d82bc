import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../infra/logger';
import type { JwtService } from '../auth/jwt.service';
import type { ProgressEvent, ProgressHub } from './progress-hub';

/** Offered by browsers next to the token: `new WebSocket(url, [PROGRESS_PROTOCOL, token])`. */
export const PROGRESS_PROTOCOL = 'aiphoto-progress';

export interface ProgressSocketOptions {
  path?: string;
  /** Interval of the ping; a socket that missed the previous ping's pong is dropped. */
  heartbeatMs?: number;
}

/** Messages the server sends; `ready` tells the client that events now flow. */
export type ProgressMessage = { type: 'ready'; userId: string } | ({ type: 'task' } & ProgressEvent);

interface Client {
  socket: WebSocket;
  alive: boolean;
}

/**
 * The `/ws` endpoint: authenticates the merchant JWT on upgrade (401 otherwise), subscribes the
 * socket to its owner's progress through the hub, and pings to drop sockets whose peer vanished
 * without a FIN (mobile networks, sleeping laptops). The token is not a cookie, so a foreign
 * page cannot ride on a merchant's session and no Origin check is needed.
 */
export class ProgressSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => chooseProtocol(offered) });
  private readonly clients = new Set<Client>();
  private readonly path: string;
  private readonly heartbeatMs: number;
  private heartbeat: NodeJS.Timeout | null = null;
  private server: Server | null = null;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);

  constructor(
    private readonly hub: ProgressHub,
    private readonly jwt: JwtService,
    private readonly logger: Logger,
    options: ProgressSocketOptions = {},
  ) {
    this.path = options.path ?? '/ws';
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
  }

  attach(server: Server): () => Promise<void> {
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
    return () => this.close();
  }

  connectionCount(): number {
    return this.clients.size;
  }

  /** Stops accepting, closes every socket (1001 going away) and releases their subscriptions. */
  async close(): Promise<void> {
    this.server?.off('upgrade', this.onUpgrade);
    this.server = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    const closed = [...this.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          client.socket.once('close', () => resolve());
          client.socket.close(1001, 'server shutting down');
          // A peer that never answers the close frame must not hold up shutdown.
          setTimeout(() => client.socket.terminate(), 1000).unref();
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== this.path) {
      // Other upgrade listeners may own that path; answer only when nobody else can.
      if (this.server && this.server.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found');
      return;
    }
    const token = tokenOf(req, url);
    let userId: string;
    try {
      if (!token) throw new Error('no token');
      userId = this.jwt.verify('aiphoto-merchant', token).sub;
    } catch {
      refuse(socket, 401, 'Unauthorized');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.connected(ws, userId));
  }

  private async connected(socket: WebSocket, userId: string): Promise<void> {
    const client: Client = { socket, alive: true };
    this.clients.add(client);
    socket.on('pong', () => {
      client.alive = true;
    });
    // Messages from the client are not part of the protocol; the socket is push-only.
    socket.on('error', (err) => this.logger.debug({ err, userId }, 'progress socket error'));
    let release: (() => Promise<void>) | null = null;
    let gone = false;
    socket.once('close', () => {
      gone = true;
      this.clients.delete(client);
      void release?.().catch((err: unknown) => this.logger.warn({ err, userId }, 'progress unsubscribe failed'));
    });
    try {
      release = await this.hub.subscribe(userId, (event) => send(socket, { type: 'task', ...event }));
    } catch (err) {
      this.logger.error({ err, userId }, 'progress subscription failed');
      socket.close(1011, 'subscription failed');
      return;
    }
    if (gone) {
      await release();
      return;
    }
    send(socket, { type: 'ready', userId });
  }

  private beat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }
}

function send(socket: WebSocket, message: ProgressMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** `?token=` (simple clients) or a subprotocol (browsers cannot set headers on a WebSocket). */
function tokenOf(req: IncomingMessage, url: URL): string | null {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return offered.find((p) => p !== PROGRESS_PROTOCOL && p.split('.').length === 3) ?? null;
}

/** Browsers fail the handshake unless the server selects one offered protocol: prefer ours. */
function chooseProtocol(offered: Set<string>): string | false {
  if (offered.has(PROGRESS_PROTOCOL)) return PROGRESS_PROTOCOL;
  const [first] = offered;
  return first ?? false;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: { code: status === 401 ? 'UNAUTHORIZED' : 'NOT_FOUND', message: reason } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
