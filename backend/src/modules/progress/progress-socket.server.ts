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

  /**
   * The `upgrade` listener. Node removed its own `error` listener from this socket before the
   * event, so a reset would crash the process without ours; and nothing may throw out of here
   * (an exception in an event listener takes the whole process down).
   */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.logger.debug({ err }, 'upgrade socket error'));
    try {
      this.route(req, socket, head);
    } catch (err) {
      this.logger.warn({ err, url: req.url }, 'upgrade failed');
      refuse(socket, 400, 'Bad Request');
    }
  }

  private route(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = originFormTarget(req.url);
    if (url?.pathname !== this.path) {
      // Other upgrade listeners may own that path; answer only when nobody else can.
      if (this.server && this.server.listenerCount('upgrade') === 1) {
        if (url) refuse(socket, 404, 'Not Found');
        else refuse(socket, 400, 'Bad Request');
      }
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
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.connected(ws, userId).catch((err: unknown) => {
        this.logger.error({ err, userId }, 'progress socket setup failed');
        ws.terminate();
      });
    });
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
    const releaseQuietly = () =>
      release?.().catch((err: unknown) => this.logger.warn({ err, userId }, 'progress unsubscribe failed'));
    socket.once('close', () => {
      gone = true;
      this.clients.delete(client);
      void releaseQuietly();
    });
    try {
      release = await this.hub.subscribe(userId, (event) => send(socket, { type: 'task', ...event }));
    } catch (err) {
      this.logger.error({ err, userId }, 'progress subscription failed');
      socket.close(1011, 'subscription failed');
      return;
    }
    // Closed while subscribing: the close handler ran before `release` existed.
    if (gone) {
      await releaseQuietly();
      return;
    }
    send(socket, { type: 'ready', userId });
  }

  private beat(): void {
    for (const client of this.clients) {
      try {
        if (!client.alive) {
          client.socket.terminate();
          continue;
        }
        client.alive = false;
        client.socket.ping();
      } catch (err) {
        this.logger.debug({ err }, 'progress heartbeat failed');
      }
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

/**
 * The request-target as a URL when it is in origin form (`/path?query`), the only form a
 * WebSocket client sends; null for anything else (`//`, `*`, absolute or unparsable targets).
 */
function originFormTarget(target: string | undefined): URL | null {
  if (!target?.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return null;
  }
}

const REFUSAL_CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND' };

/** Answers the upgrade with an HTTP error, then destroys the socket (a half-open one would linger). */
function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: REFUSAL_CODES[status] ?? 'BAD_REQUEST', message: reason } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
