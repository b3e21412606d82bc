import { IncomingMessage, type ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../infra/logger';
import { requestIdOf } from './fast-health';

declare module 'http' {
  interface IncomingMessage {
    /** The request id (also the `X-Request-Id` answer header). */
    id?: string;
    /** A logger bound to this request's id, made on first use (see accessLog). */
    log?: Logger;
  }
}

// What a request's `log` is made from, kept on the request by accessLog.
const BASE = Symbol('aiphoto.requestLogBase');
const CHILD = Symbol('aiphoto.requestLog');
const STARTED = Symbol('aiphoto.requestStarted');
type Logged = IncomingMessage & { [BASE]?: Logger; [CHILD]?: Logger };
type Timed = ServerResponse & { [STARTED]?: bigint };

/**
 * `req.log`, defined once on Node's request prototype (Express's request inherits it) instead
 * of on each request: the child logger of the request's id, made when first asked for. A request
 * accessLog did not see has none (undefined). Assigning `req.log` sets an own property, as before.
 */
Object.defineProperty(IncomingMessage.prototype, 'log', {
  configurable: true,
  enumerable: false,
  get(this: Logged): Logger | undefined {
    const base = this[BASE];
    if (!base) return undefined;
    return (this[CHILD] ??= base.child({ reqId: this.id }));
  },
  set(this: Logged, value: Logger | undefined) {
    Object.defineProperty(this, 'log', { configurable: true, enumerable: false, writable: true, value });
  },
});

/**
 * One access-log line per answered request, written when the answer is finished, and the
 * `X-Request-Id` header on every answer.
 *
 * It replaces pino-http, whose per-request child logger, serializers and redaction of the
 * whole header set showed as ~4 % of the backend's CPU under read load (docs/performance.md)
 * even when the line's level was off. Here a request pays for a line only when its level is
 * enabled, the line carries no headers (so no credential can reach it), and `req.log` — used
 * for errors — is a child logger made only when something asks for it. Per request it allocates
 * no closure: the `finish` listener is one function shared by every answer.
 */
export function accessLog(
  logger: Logger,
  options: { level: 'debug' | 'info'; skip?: (url: string) => boolean },
): RequestHandler {
  function finished(this: Timed): void {
    const level = this.statusCode >= 500 ? 'error' : options.level;
    if (!logger.isLevelEnabled(level)) return;
    const req = this.req as Request;
    logger[level](
      {
        reqId: req.id,
        req: { method: req.method, url: req.originalUrl, remoteAddress: req.ip },
        res: { statusCode: this.statusCode },
        responseTime: Number(process.hrtime.bigint() - (this[STARTED] ?? 0n)) / 1e6,
      },
      'request completed',
    );
  }
  return (req, res, next) => {
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader('X-Request-Id', id);
    (req as Logged)[BASE] = logger;
    if (options.skip?.(req.url)) return next();
    (res as Timed)[STARTED] = process.hrtime.bigint();
    res.on('finish', finished);
    next();
  };
}
