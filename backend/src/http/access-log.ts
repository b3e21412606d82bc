import type { RequestHandler } from 'express';
import type { Logger } from '../infra/logger';
import { requestIdOf } from './fast-health';

declare module 'http' {
  interface IncomingMessage {
    /** The request id (also the `X-Request-Id` answer header). */
    id?: string;
    /** A logger bound to this request's id, made on first use. */
    log?: Logger;
  }
}

/**
 * One access-log line per answered request, written when the answer is finished, and the
 * `X-Request-Id` header on every answer.
 *
 * It replaces pino-http, whose per-request child logger, serializers and redaction of the
 * whole header set showed as ~4 % of the backend's CPU under read load (docs/performance.md)
 * even when the line's level was off. Here a request pays for a line only when its level is
 * enabled, the line carries no headers (so no credential can reach it), and `req.log` — used
 * for errors — is a child logger made only when something asks for it.
 */
export function accessLog(
  logger: Logger,
  options: { level: 'debug' | 'info'; skip?: (url: string) => boolean },
): RequestHandler {
  return (req, res, next) => {
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader('X-Request-Id', id);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (child ??= logger.child({ reqId: id })),
    });
    if (options.skip?.(req.url)) return next();
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : options.level;
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          reqId: id,
          req: { method: req.method, url: req.originalUrl, remoteAddress: req.ip },
          res: { statusCode: res.statusCode },
          responseTime: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request completed',
      );
    });
    next();
  };
}
