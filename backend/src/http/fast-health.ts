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
  // Every header but the request id and the length, as the flat [name, value, …] list writeHead
  // takes: one call instead of a setHeader (name and value checks, a map entry) per header.
  const fixed: string[] = [];
  for (const [name, value] of options.securityHeaders) fixed.push(name, value);
  fixed.push('Content-Type', 'application/json; charset=utf-8', 'X-Request-Id', '', 'Content-Length', '');
  const idAt = fixed.length - 3;
  const lengthAt = fixed.length - 1;
  const labels = { method: 'GET', route: '/health', status: '200' };
  const { httpRequests, httpDuration } = options.metrics;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/health' || req.method !== 'GET') return app(req, res);
    const end = httpDuration.startTimer();
    const body = `{"status":"ok","uptimeSeconds":${Math.round(process.uptime())}}`;
    const headers = fixed.slice();
    headers[idAt] = requestIdOf(req);
    headers[lengthAt] = String(Buffer.byteLength(body));
    res.writeHead(200, headers);
    res.end(body);
    httpRequests.inc(labels);
    end(labels);
  };
}
