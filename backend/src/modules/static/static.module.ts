import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Request } from 'express';
import type { Module } from '../../app';
import type { AppContext } from '../../app-context';

export interface StaticApps {
  /** Built merchant portal (`web/dist`), served at `/`. */
  webDir: string | null;
  /** Built admin console (`admin/dist`), served at `/admin`. */
  adminDir: string | null;
}

/** Where the built UIs sit in this repository, whichever way the backend runs (tsx or dist). */
export function defaultStaticApps(): StaticApps {
  const repoRoot = path.resolve(__dirname, '../../../..');
  const find = (dir: string) => (existsSync(path.join(repoRoot, dir, 'index.html')) ? path.join(repoRoot, dir) : null);
  return { webDir: find('web/dist'), adminDir: find('admin/dist') };
}

/** A browser navigation: GET with text/html asked for explicitly (API clients keep JSON 404s). */
function wantsPage(req: Request): boolean {
  return req.method === 'GET' && !req.path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
}

/**
 * Serves the portal and the console in the embedded mode (single origin, no CORS). Client-side
 * routes fall back to each app's index.html; API paths never do, so they keep their JSON 404s.
 */
export function createStaticModule(ctx: Pick<AppContext, 'logger'>, apps: StaticApps): Module {
  const router = Router();
  const served = [apps.webDir && 'portal', apps.adminDir && 'console'].filter(Boolean);
  ctx.logger.debug({ served }, served.length ? 'serving the built UIs' : 'no built UI to serve');
  if (apps.adminDir) {
    const adminDir = apps.adminDir;
    router.use('/admin', express.static(adminDir, { index: 'index.html', maxAge: '1h' }));
    router.get(/^\/admin(\/.*)?$/, (req, res, next) =>
      wantsPage(req) ? res.sendFile(path.join(adminDir, 'index.html'), { dotfiles: 'allow' }) : next(),
    );
  }
  if (apps.webDir) {
    const webDir = apps.webDir;
    router.use(express.static(webDir, { index: 'index.html', maxAge: '1h' }));
    router.get(/.*/, (req, res, next) =>
      wantsPage(req) && !req.path.startsWith('/admin')
        ? res.sendFile(path.join(webDir, 'index.html'), { dotfiles: 'allow' })
        : next(),
    );
  }
  return { name: 'static', router, api: {} };
}
