import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** Offered by browsers next to the token: `new WebSocket(url, [PROGRESS_PROTOCOL, token])`. */
export const PROGRESS_PROTOCOL = 'aiphoto-progress';

/** Close code when a socket's token is missing, invalid or expired (4000–4999: ours to define). */
export const CLOSE_UNAUTHORIZED = 4001;
/** Close code when the user already holds the most sockets allowed. */
export const CLOSE_TOO_MANY_SOCKETS = 4029;

/**
 * The request-target as a URL when it is in origin form (`/path?query`), the only form a
 * WebSocket client sends; null for anything else (`//`, `*`, absolute or unparsable targets).
 */
export function originFormTarget(target: string | undefined): URL | null {
  if (!target?.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return null;
  }
}

export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The token a handshake carries: as a subprotocol next to ours (browsers cannot set headers on a
 * WebSocket), or as `?token=` (deprecated: proxies log query strings; refused in production).
 */
export function handshakeToken(req: IncomingMessage, url: URL): { token: string; via: 'protocol' | 'query' } | null {
  const fromProtocol = offeredProtocols(req).find((p) => p !== PROGRESS_PROTOCOL && p.split('.').length === 3);
  if (fromProtocol) return { token: fromProtocol, via: 'protocol' };
  const fromQuery = url.searchParams.get('token');
  return fromQuery ? { token: fromQuery, via: 'query' } : null;
}

/** The token of a first message `{"type":"auth","token":"…"}`, or null. */
export function messageToken(data: unknown): string | null {
  try {
    const message = JSON.parse(String(data)) as { type?: unknown; token?: unknown };
    return message.type === 'auth' && typeof message.token === 'string' ? message.token : null;
  } catch {
    return null;
  }
}

/** Browsers fail the handshake unless the server selects one offered protocol: prefer ours. */
export function chooseProtocol(offered: Set<string>): string | false {
  if (offered.has(PROGRESS_PROTOCOL)) return PROGRESS_PROTOCOL;
  const [first] = offered;
  return first ?? false;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers the upgrade with an HTTP error, then destroys the socket (a half-open one would linger). */
export function refuse(socket: Duplex, status: number, code: string, message = REASONS[status] ?? 'Refused'): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
