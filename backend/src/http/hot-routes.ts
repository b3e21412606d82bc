import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response, Router } from 'express';

/**
 * A GET route a module lets the app answer before Express's router (see withHotRoutes): its
 * path as declared in the module's router, and the very handler functions that router runs for
 * it (what `defineRoute` registered: authentication, then the route's handler) — never a copy.
 */
export interface HotRoute {
  /** A static path, or a static prefix ending in `/` followed by one `:param` (`/api/v1/tasks/:id`). */
  path: string;
  handlers: RequestHandler[];
}

/** A middleware a module's router runs for every path under `prefix` (the API rate limit under `/api/v1/`). */
export interface HotPrefixMiddleware {
  prefix: string;
  handler: RequestHandler;
}

const MARKS = Symbol('aiphoto.hotRoutes');
interface HotMarks {
  routes: HotRoute[];
  prefixMiddleware: HotPrefixMiddleware[];
}
type Marked = Router & { [MARKS]?: HotMarks };

function marksOf(router: Router): HotMarks {
  return ((router as Marked)[MARKS] ??= { routes: [], prefixMiddleware: [] });
}

/** Records a route of `router` as hot (defineRoute with `hot: true` calls it after declaring the route). */
export function markHotRoute(router: Router, route: HotRoute): void {
  marksOf(router).routes.push(route);
}

/** `router.use(prefix, handler)`, recorded so that the hot routes under `prefix` run `handler` too. */
export function usePrefix(router: Router, prefix: string, handler: RequestHandler): void {
  router.use(prefix, handler);
  marksOf(router).prefixMiddleware.push({ prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, handler });
}

/** The hot routes and prefix middlewares recorded on a module's router (none when it has no router). */
export function hotMarksOf(router: Router | undefined): HotMarks {
  return (router && (router as Marked)[MARKS]) || { routes: [], prefixMiddleware: [] };
}

/** One hot route with everything Express would run for it, in Express's order. */
export interface HotChain {
  path: string;
  /** App-wide middlewares, the prefix middlewares of the modules mounted up to the route's, then the route's own. */
  handlers: RequestHandler[];
  /** Index in `handlers` of the route's first own handler (where Express sets `req.params` and `req.route`). */
  routeStart: number;
  /** `{ param: value }` when `path` matches this route, else null. */
  match(path: string): Record<string, string> | null;
}

/**
 * Parameter values a hot route accepts itself: anything else (percent-encoding, dots, a longer
 * value) goes to Express, which decodes and validates it as always.
 */
const PARAM_VALUE = /^[A-Za-z0-9_-]{1,64}$/;

/** Builds the chain of one hot route (see HotChain). */
export function hotChain(
  route: HotRoute,
  appWide: RequestHandler[],
  prefixMiddleware: HotPrefixMiddleware[],
): HotChain {
  const colon = route.path.indexOf(':');
  if (colon !== -1 && (route.path[colon - 1] !== '/' || /[/:*?(){}]/.test(route.path.slice(colon + 1))))
    throw new Error(`a hot route is a static path or a static prefix and one trailing :param, not ${route.path}`);
  const prefix = colon === -1 ? route.path : route.path.slice(0, colon);
  const param = colon === -1 ? null : route.path.slice(colon + 1);
  const before = prefixMiddleware.filter((m) => prefix.startsWith(m.prefix)).map((m) => m.handler);
  return {
    path: route.path,
    handlers: [...appWide, ...before, ...route.handlers],
    routeStart: appWide.length + before.length,
    match: param
      ? (path) => {
          if (!path.startsWith(prefix)) return null;
          const value = path.slice(prefix.length);
          return PARAM_VALUE.test(value) ? { [param]: value } : null;
        }
      : (path) => (path === route.path ? {} : null),
  };
}

/**
 * Answers the hot routes (`GET` on a path declared by a module as hot) in the `node:http`
 * listener, running the same middleware functions Express would run for them, in the same
 * order, on the same Express request and response objects — only the router's walk over every
 * layer of every module (and the per-request work of entering each) is skipped. What it sets
 * up is what `app.handle` and the router set up: the request/response prototypes, `res.locals`,
 * `req.originalUrl`, `req.baseUrl`, then `req.params` and `req.route` (its `path` only, which is
 * what the metrics read) when the route's own handlers start. A handler that throws or rejects
 * goes to the app's error handler, as in Express.
 *
 * Everything else goes to Express unchanged: other methods (`HEAD` included), any request that
 * announces a body (the JSON parser would read it), a path in another case or with a trailing
 * slash, a parameter outside [A-Za-z0-9_-]{1,64}. A test (hot-routes.integration.test.ts) walks
 * Express's own router for each hot route and requires the very same functions in the same order,
 * and drives both paths for parity of status, body and headers.
 */
export function withHotRoutes(
  app: Express,
  chains: HotChain[],
  final: { notFound: RequestHandler; onError: ErrorRequestHandler },
): RequestListener {
  if (!chains.length) return app;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'])
      return app(req, res);
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    for (const chain of chains) {
      const params = chain.match(path);
      if (params) return run(app, chain, params, req, res, final);
    }
    return app(req, res);
  };
}

function run(
  app: Express,
  chain: HotChain,
  params: Record<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
  final: { notFound: RequestHandler; onError: ErrorRequestHandler },
): void {
  // What app.handle does (x-powered-by is disabled in createApp)...
  const request = req as Request;
  const response = res as Response;
  request.res = response;
  response.req = request;
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  if (!response.locals) response.locals = Object.create(null) as Response['locals'];
  // ...and what the router sets before the first layer.
  request.originalUrl = request.url;
  request.baseUrl = '';
  request.params = {};

  let index = 0;
  let failed = false;
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    try {
      final.onError(err, request, response, () => lastResort(response));
    } catch {
      lastResort(response);
    }
  };
  const next = (err?: unknown): void => {
    if (err === 'route' || err === 'router') return fail(new Error(`next('${err}') is not supported on a hot route`));
    if (err) return fail(err);
    if (index === chain.handlers.length) {
      // A route's handlers always answer; were one to pass the request on, nothing else may answer it.
      index++;
      return call(final.notFound);
    }
    if (index > chain.handlers.length) return;
    if (index === chain.routeStart) {
      request.params = params;
      // Express sets its Route object here; the metrics label the request with its path.
      (request as { route?: unknown }).route = { path: chain.path };
    }
    call(chain.handlers[index++]);
  };
  const call = (handler: RequestHandler) => {
    try {
      const ret: unknown = handler(request, response, next);
      if (ret instanceof Promise) ret.then(undefined, (err: unknown) => next(err || new Error('Rejected promise')));
    } catch (err) {
      next(err);
    }
  };
  next();
}

/** The error handler itself failed: a bare 500 (Express's final handler would answer one too). */
function lastResort(res: Response): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 500;
  res.end();
}
