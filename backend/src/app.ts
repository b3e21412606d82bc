import type { RequestListener, Server } from 'node:http';
import express, { type Express, type Router } from 'express';
import type { AppContext, ReadinessCheck } from './app-context';
import { accessLog } from './http/access-log';
import { errorHandler, notFoundHandler } from './http/error-middleware';
import { hotChain, withHotRoutes, hotMarksOf, type HotChain, type HotPrefixMiddleware } from './http/hot-routes';
import { gateByPrefix } from './http/route-gate';
import { securityHeaders } from './http/security-headers';
import { healthRoutes } from './modules/health/health.routes';

/** A business component plugged into the app: its routes, readiness checks and background work. */
export interface AppModule {
  name: string;
  router?: Router;
  readiness?: ReadinessCheck[];
  /** Started after the server listens (sweeps, workers); stopped through ctx.onClose. */
  start?: () => Promise<void> | void;
  /**
   * Given the listening HTTP server (e.g. to serve WebSocket upgrades). The returned function
   * runs before the server closes, because open upgraded sockets would keep it from closing.
   */
  attach?: (server: Server) => DetachFn | void | Promise<DetachFn | void>;
  /** What other modules may call (see Module); absent only on ad-hoc test modules. */
  api?: object;
}

export type DetachFn = () => Promise<void> | void;

/**
 * What every `create<Name>Module(ctx, deps)` in `modules/<dir>/<name>.module.ts` returns: the
 * parts the app mounts (router, start, attach, readiness) and `api`, the services the composition
 * root (modules/index.ts) may hand to other modules. Nothing else of a module is reachable.
 */
export interface Module<Api extends object = Record<string, never>> extends AppModule {
  api: Api;
}

/** Assembles the Express app from modules: logging, metrics, JSON parsing, routes, errors. */
export function createApp(ctx: AppContext, modules: AppModule[], baseChecks: ReadinessCheck[]): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag on JSON answers: hashing every body (a 20-task page is ~20 KB) costs CPU on every read,
  // and no client of the API revalidates with If-None-Match. Static files keep theirs (serve-static).
  app.set('etag', false);
  app.set('trust proxy', ctx.config.http.trustProxy);
  const appWide = [
    // First, so every answer carries them, errors and 404s included.
    securityHeaders(ctx.config),
    accessLog(ctx.logger, {
      level: ctx.config.http.requestLogLevel,
      skip: (url) => url === '/health' || url === '/metrics',
    }),
    ctx.metrics.middleware(),
  ];
  for (const middleware of appWide) app.use(middleware);
  // Keep the raw body: signed callbacks and payment notifies are verified over the exact bytes.
  app.use(
    express.json({
      limit: ctx.config.http.bodyLimit,
      verify: (req, _res, buf) => {
        (req as unknown as { rawBody: Buffer }).rawBody = buf;
      },
    }),
  );

  const checks = [...baseChecks, ...modules.flatMap((m) => m.readiness ?? [])];
  app.use(healthRoutes(ctx, checks));
  // Each module router is entered only by paths under the prefixes its routes declare (http/route-gate.ts).
  for (const module of modules) if (module.router) app.use(gateByPrefix(module.router));

  app.use(notFoundHandler);
  app.use(errorHandler);

  // The routes modules marked hot, each with the app-wide middlewares above and the prefix
  // middlewares of the modules mounted up to its own (the API rate limit), as Express runs them.
  const prefixMiddleware: HotPrefixMiddleware[] = [];
  const chains: HotChain[] = [];
  for (const module of modules) {
    const marks = hotMarksOf(module.router);
    prefixMiddleware.push(...marks.prefixMiddleware);
    for (const route of marks.routes) chains.push(hotChain(route, appWide, prefixMiddleware));
  }
  hot.set(app, { chains, listener: withHotRoutes(app, chains, { notFound: notFoundHandler, onError: errorHandler }) });
  return app;
}

const hot = new WeakMap<Express, { chains: HotChain[]; listener: RequestListener }>();

/**
 * What the HTTP server listens with: the hot routes modules marked (`hot: true` in defineRoute,
 * http/hot-routes.ts) answered before Express's router, everything else by `app`.
 */
export function hotListener(app: Express): RequestListener {
  return hot.get(app)?.listener ?? app;
}

/** The hot routes of an app made by createApp, with the handlers each runs (for tests). */
export function hotChainsOf(app: Express): HotChain[] {
  return hot.get(app)?.chains ?? [];
}
