import type { RequestHandler, Router } from 'express';

/**
 * The part of Express 5's router (`router` 2.x) that the gate reads: a router's layers, each a
 * route (`route` set), a nested router (`handle.stack`) or a middleware, mounted at `rawPath`
 * (`slash` when mounted at the root without a path).
 */
interface LayerShape {
  rawPath?: unknown;
  slash?: boolean;
  route?: { path?: unknown };
  handle?: { stack?: LayerShape[] };
}

/**
 * The static path prefixes under which a router answers anything, or `undefined` when some
 * layer could answer any path (a middleware at the root, a RegExp or array path): then the
 * router cannot be gated. A prefix is the path up to its first parameter or wildcard, so
 * `/api/v1/tasks/:id/download` gives `/api/v1/tasks/`.
 */
export function routerPrefixes(router: Router): string[] | undefined {
  return prefixesOf(router as unknown as { stack?: LayerShape[] }, '');
}

function prefixesOf(router: { stack?: LayerShape[] }, base: string): string[] | undefined {
  const prefixes: string[] = [];
  for (const layer of router.stack ?? []) {
    const own = layer.route ? layer.route.path : layer.slash ? '' : layer.rawPath;
    if (typeof own !== 'string') return undefined;
    const full = base + own;
    if (!layer.route && layer.handle?.stack) {
      const inner = prefixesOf(layer.handle, full);
      if (!inner) return undefined;
      prefixes.push(...inner);
      continue;
    }
    const cut = full.search(/[:*({]/);
    const prefix = (cut === -1 ? full : full.slice(0, cut)).toLowerCase();
    if (prefix === '' || prefix === '/') return undefined;
    prefixes.push(prefix);
  }
  // Keep the shortest covering set: `/api/v1` makes `/api/v1/tasks` redundant.
  const sorted = [...new Set(prefixes)].sort((a, b) => a.length - b.length);
  return sorted.filter((p, i) => !sorted.slice(0, i).some((shorter) => p.startsWith(shorter)));
}

/**
 * A module's router entered only by requests whose path starts with one of the prefixes its
 * routes are declared under. Every module router is mounted at the root and declares full
 * paths, so without the gate each request walks every module's layers (the profile shows the
 * walk under each request). Over-matching is harmless — the router itself still decides — and
 * a router whose prefixes cannot be read is entered by every request, as before. Express
 * matches paths case-insensitively by default, and so does the gate. The prefixes are read at
 * the first request, when every route is declared.
 */
export function gateByPrefix(router: Router): RequestHandler & { gatedRouter: Router } {
  let prefixes: string[] | undefined | null = null;
  const gate: RequestHandler = (req, res, next) => {
    if (prefixes === null) prefixes = routerPrefixes(router);
    if (prefixes === undefined) return router(req, res, next);
    const path = req.path.toLowerCase();
    for (const prefix of prefixes) if (path.startsWith(prefix)) return router(req, res, next);
    next();
  };
  // Read by the hot-route test, which walks Express's layers the way a request does.
  return Object.assign(gate, { gatedRouter: router });
}
