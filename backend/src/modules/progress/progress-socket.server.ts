import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Logger } from '../../infra/logger';
import { verifyMerchant } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { ProgressEvent, ProgressHub } from './progress-hub';
import {
  chooseProtocol,
  CLOSE_TOO_MANY_SOCKETS,
  CLOSE_UNAUTHORIZED,
  handshakeToken,
  messageToken,
  offeredProtocols,
  originFormTarget,
  PROGRESS_PROTOCOL,
  refuse,
} from './progress-handshake';

export { PROGRESS_PROTOCOL } from './progress-handshake';

/** The server reads one message at most (the token); anything bigger closes the socket (1009). */
const MAX_PAYLOAD_BYTES = 4096;
/** Sockets waiting for their first-message token; more are refused (503) until some finish. */
const MAX_PENDING_AUTH = 200;
/** setTimeout's largest delay; a token valid for longer is re-checked when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ProgressSocketOptions {
  path?: string;
  /** Interval of the ping; a socket that missed the previous ping's pong is dropped. */
  heartbeatMs?: number;
  /** Open sockets one merchant may hold on this process (default 10); more are refused (429). */
  maxSocketsPerUser?: number;
  /** Accept the deprecated `?token=` (default true; the module turns it off in production). */
  allowQueryToken?: boolean;
  /** How long a socket may wait for its first-message token (default 10 s). */
  authTimeoutMs?: number;
}

/** Messages the server sends; `ready` tells the client that events now flow. */
export type ProgressMessage = { type: 'ready'; userId: string } | ({ type: 'task' } & ProgressEvent);

interface Identity {
  userId: string;
  /** Unix seconds when the token expires, if it says. */
  expiresAt: number | null;
}

interface Client {
  socket: WebSocket;
  userId: string;
  alive: boolean;
}

/**
 * The `/ws` endpoint. The merchant JWT comes as a subprotocol next to `aiphoto-progress`, or —
 * when only `aiphoto-progress` is offered — as the first message `{"type":"auth","token"}`
 * (the deprecated `?token=` is accepted outside production only). A socket is subscribed to its
 * owner's progress through the hub, closed when its token expires, and pinged so that sockets
 * whose peer vanished without a FIN are dropped. The token is not a cookie, so a foreign page
 * cannot ride on a merchant's session and no Origin check is needed.
 */
export class ProgressSocketServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    handleProtocols: (offered) => chooseProtocol(offered),
  });
  private readonly clients = new Set<Client>();
  private readonly pending = new Set<WebSocket>();
  private readonly socketsPerUser = new Map<string, number>();
  private readonly path: string;
  private readonly heartbeatMs: number;
  private readonly maxSocketsPerUser: number;
  private readonly allowQueryToken: boolean;
  private readonly authTimeoutMs: number;
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
    this.maxSocketsPerUser = options.maxSocketsPerUser ?? 10;
    this.allowQueryToken = options.allowQueryToken ?? true;
    this.authTimeoutMs = options.authTimeoutMs ?? 10_000;
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
    const sockets = [...[...this.clients].map((c) => c.socket), ...this.pending];
    const closed = sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.close(1001, 'server shutting down');
          // A peer that never answers the close frame must not hold up shutdown.
          setTimeout(() => socket.terminate(), 1000).unref();
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
      refuse(socket, 400, 'BAD_REQUEST');
    }
  }

  private route(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = originFormTarget(req.url);
    if (url?.pathname !== this.path) {
      // Other upgrade listeners may own that path; answer only when nobody else can.
      if (this.server && this.server.listenerCount('upgrade') === 1) {
        if (url) refuse(socket, 404, 'NOT_FOUND');
        else refuse(socket, 400, 'BAD_REQUEST');
      }
      return;
    }
    const offered = handshakeToken(req, url);
    if (offered?.via === 'query' && !this.allowQueryToken) {
      refuse(socket, 401, 'QUERY_TOKEN_NOT_ALLOWED', 'Send the token as a subprotocol or as the first message');
      return;
    }
    if (!offered) {
      // Offering our protocol alone announces the token as the first message.
      if (!offeredProtocols(req).includes(PROGRESS_PROTOCOL)) return refuse(socket, 401, 'UNAUTHORIZED');
      if (this.pending.size >= MAX_PENDING_AUTH) return refuse(socket, 503, 'TOO_MANY_PENDING');
      this.wss.handleUpgrade(req, socket, head, (ws) => this.awaitToken(ws));
      return;
    }
    void this.identify(offered.token).then((identity) => {
      try {
        if (!identity) return refuse(socket, 401, 'UNAUTHORIZED');
        if (this.isFull(identity.userId)) return refuse(socket, 429, 'TOO_MANY_SOCKETS');
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, identity));
      } catch (err) {
        this.logger.warn({ err, url: req.url }, 'upgrade failed');
        refuse(socket, 400, 'BAD_REQUEST');
      }
    });
  }

  /** The token's merchant, or null for a bad token or an ended session (never rejects). */
  private async identify(token: string | null): Promise<Identity | null> {
    if (!token) return null;
    try {
      const claims = await verifyMerchant(this.jwt, token);
      return { userId: claims.sub, expiresAt: this.jwt.expiresAt(token) };
    } catch {
      return null;
    }
  }

  /** Closes (4001) every socket of a merchant whose sessions ended (sign out everywhere). */
  endSessions(userId: string): void {
    for (const client of this.clients) {
      if (client.userId === userId) client.socket.close(CLOSE_UNAUTHORIZED, 'session ended');
    }
  }

  private isFull(userId: string): boolean {
    return (this.socketsPerUser.get(userId) ?? 0) >= this.maxSocketsPerUser;
  }

  /** A socket opened without a token: its first message must carry one, within the deadline. */
  private awaitToken(socket: WebSocket): void {
    this.pending.add(socket);
    socket.on('error', (err) => this.logger.debug({ err }, 'progress socket error before auth'));
    const timer = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'no token'), this.authTimeoutMs);
    timer.unref();
    const settle = () => {
      clearTimeout(timer);
      this.pending.delete(socket);
    };
    socket.once('close', settle);
    socket.once('message', (data: RawData) => {
      settle();
      void this.identify(messageToken(data)).then((identity) => {
        if (socket.readyState !== WebSocket.OPEN) return; // the peer left meanwhile
        if (!identity) return socket.close(CLOSE_UNAUTHORIZED, 'unauthorized');
        if (this.isFull(identity.userId)) return socket.close(CLOSE_TOO_MANY_SOCKETS, 'too many sockets');
        this.accept(socket, identity);
      });
    });
  }

  private accept(socket: WebSocket, identity: Identity): void {
    this.connected(socket, identity).catch((err: unknown) => {
      this.logger.error({ err, userId: identity.userId }, 'progress socket setup failed');
      socket.terminate();
    });
  }

  private async connected(socket: WebSocket, { userId, expiresAt }: Identity): Promise<void> {
    const client: Client = { socket, userId, alive: true };
    this.clients.add(client);
    this.socketsPerUser.set(userId, (this.socketsPerUser.get(userId) ?? 0) + 1);
    const expiry = expiresAt === null ? null : this.closeOnExpiry(socket, expiresAt);
    socket.on('pong', () => {
      client.alive = true;
    });
    // Messages after the token are not part of the protocol; the socket is push-only.
    socket.on('error', (err) => this.logger.debug({ err, userId }, 'progress socket error'));
    let release: (() => Promise<void>) | null = null;
    let gone = false;
    const releaseQuietly = () =>
      release?.().catch((err: unknown) => this.logger.warn({ err, userId }, 'progress unsubscribe failed'));
    socket.once('close', () => {
      gone = true;
      if (expiry) clearTimeout(expiry);
      this.clients.delete(client);
      const left = (this.socketsPerUser.get(userId) ?? 1) - 1;
      if (left > 0) this.socketsPerUser.set(userId, left);
      else this.socketsPerUser.delete(userId);
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

  /** Closes the socket (4001) when its token expires: a socket never outlives its credential. */
  private closeOnExpiry(socket: WebSocket, expiresAt: number): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        if (Date.now() >= expiresAt * 1000) socket.close(CLOSE_UNAUTHORIZED, 'token expired');
        else if (socket.readyState === WebSocket.OPEN) this.closeOnExpiry(socket, expiresAt);
      },
      Math.max(0, Math.min(expiresAt * 1000 - Date.now(), MAX_TIMER_MS)),
    );
    timer.unref();
    return timer;
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
