import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Metrics } from '../infra/metrics';

/** The request id an answer carries: the caller's `X-Request-Id` when it is sane, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

/**
 * `GET /health` answered in the `node:http` listener, before Express: the same answer as the
 * Express route (`{ status: 'ok', uptimeSeconds }`, the security headers, `X-Request-Id`, counted
 * in the request metrics under route `/health`) without the per-request work of the middleware
 * stack (request/response prototype swap, access log, router walk). Liveness is what load
 * balancers poll most; it also stands as the bench's ceiling for the app's own overhead. Every
 * other request — `/health?x`, `HEAD`, other paths — goes to Express unchanged, where the route
 * stays declared (OpenAPI document, tests that drive the Express app directly).
 */
export function withFastHealth(
  app: RequestListener,
  options: { securityHeaders: Array<[string, string]>; metrics: Metrics },
): RequestListener {
  const headers = options.securityHeaders;
  const labels = { method: 'GET', route: '/health', status: '200' };
  const { httpRequests, httpDuration } = options.metrics;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/health' || req.method !== 'GET') return app(req, res);
    const end = httpDuration.startTimer();
    const body = `{"status":"ok","uptimeSeconds":${Math.round(process.uptime())}}`;
    for (const [name, value] of headers) res.setHeader(name, value);
    res.setHeader('X-Request-Id', requestIdOf(req));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
    httpRequests.inc(labels);
    end(labels);
  };
}
