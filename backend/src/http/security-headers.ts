import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/config';

/**
 * Where the browser loads our stored images from and, in direct-upload mode, PUTs them to: the
 * origin of the signed object URLs (the sandbox in sandbox mode, the bucket's COS domain live).
 */
export function storageOrigins(config: AppConfig): string[] {
  if (config.vendors.mode === 'sandbox') return [new URL(config.vendors.sandboxUrl).origin];
  const { bucket, region } = config.storage;
  return bucket ? [`https://${bucket}.cos.${region}.myqcloud.com`] : [];
}

type Directives = Record<string, string[]>;

/**
 * The Content-Security-Policy of the portal and the console. Both are Vite builds: module scripts
 * and stylesheets from our origin, no inline script or style anywhere (React writes styles through
 * the DOM, which CSP allows), so scripts run only from 'self': an injected `<script>` or `on…=`
 * attribute does not run. Images also come from the storage origin (signed URLs), `blob:` (upload
 * previews) and `data:` (payment QR codes), videos (the video album) from the storage origin;
 * `fetch`/XHR/WebSocket reach our origin and the storage
 * origin (result downloads, direct uploads). Nothing may frame the pages, and forms post only here.
 */
export function appDirectives(config: AppConfig): Directives {
  const storage = storageOrigins(config);
  const directives: Directives = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:', ...storage],
    'connect-src': ["'self'", ...storage],
    // The video album's MP4 plays from its signed storage URL.
    'media-src': ["'self'", ...storage],
    'font-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  if (servedOverHttps(config)) directives['upgrade-insecure-requests'] = [];
  return directives;
}

/**
 * Swagger UI (`/api/docs`) ships an inline `<style>` and style attributes in its page, and shows
 * the validator badge as an image: the same policy with inline styles and https images allowed.
 * Its scripts are still files from our origin only.
 */
function docsDirectives(config: AppConfig): Directives {
  const app = appDirectives(config);
  return { ...app, 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': [...app['img-src'], 'https:'] };
}

function servedOverHttps(config: AppConfig): boolean {
  return config.http.publicBaseUrl.startsWith('https://');
}

/**
 * Security headers on every answer, through [helmet](https://helmetjs.github.io): `nosniff`, no
 * framing (`X-Frame-Options: DENY` besides `frame-ancestors 'none'`), `Referrer-Policy:
 * no-referrer`, `Cross-Origin-Opener-Policy: same-origin-allow-popups` (the portal opens the
 * sandbox's pay page in a tab), `Cross-Origin-Resource-Policy: same-origin`,
 * `Origin-Agent-Cluster`, `X-DNS-Prefetch-Control: off`, `X-Permitted-Cross-Domain-Policies:
 * none`, `X-XSS-Protection: 0` (the old filter did harm), and HSTS when `PUBLIC_BASE_URL` is
 * https. The Content-Security-Policy goes on pages and static files (portal, console, API docs),
 * not on the JSON of `/api/v1` (nothing renders it), which gets all the rest. Helmet runs once per
 * kind of path at start; every answer gets the headers it produced.
 */
export function securityHeaders(config: AppConfig): RequestHandler {
  const { api, docs, app } = securityHeaderSets(config);
  // Replayed, not recomputed: helmet's ten-odd middlewares per request were ~5 % of the backend's
  // CPU under read load, for headers that depend only on the configuration and the path's kind.
  return (req, res, next) => {
    const path = req.path;
    const headers = path.startsWith('/api/v1/')
      ? api
      : path === '/api/docs' || path.startsWith('/api/docs/')
        ? docs
        : app;
    for (let i = 0; i < headers.length; i++) res.setHeader(headers[i][0], headers[i][1]);
    next();
  };
}

/** The security headers of `/api/v1/…` JSON, of the API docs, and of everything else. */
export function securityHeaderSets(config: AppConfig): Record<'api' | 'docs' | 'app', Array<[string, string]>> {
  const https = servedOverHttps(config);
  const common = helmet({
    contentSecurityPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
  });
  const appCsp = helmet.contentSecurityPolicy({ useDefaults: false, directives: appDirectives(config) });
  const docsCsp = helmet.contentSecurityPolicy({ useDefaults: false, directives: docsDirectives(config) });
  const base = headersSetBy(common, '/');
  return {
    api: base,
    docs: [...base, ...headersSetBy(docsCsp, '/api/docs')],
    app: [...base, ...headersSetBy(appCsp, '/')],
  };
}

/**
 * The headers a header-only middleware (helmet's) sets on an answer to `path`, found once by
 * running it against a stand-in request and response. Helmet's headers depend only on its
 * options, never on the request, so they can be replayed on every answer.
 */
export function headersSetBy(middleware: RequestHandler, path: string): Array<[string, string]> {
  const headers = new Map<string, [string, string]>();
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers.set(name.toLowerCase(), [name, String(value)]);
      return res;
    },
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[1],
  };
  const req = { method: 'GET', url: path, path, originalUrl: path, headers: {} };
  let passed = false;
  let failure: unknown;
  middleware(req as unknown as Request, res as unknown as Response, (err?: unknown) => {
    passed = true;
    failure = err;
  });
  // Helmet is synchronous; anything else (an async middleware) cannot be replayed this way.
  if (!passed || failure) throw new Error(`could not read the headers the middleware sets on ${path}`);
  return [...headers.values()];
}
