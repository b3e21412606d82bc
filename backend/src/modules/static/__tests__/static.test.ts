import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { notFoundHandler, errorHandler } from '../../../http/error-middleware';
import { createLogger } from '../../../infra/logger';
import { createStaticModule } from '../static.module';

function builtApp(title: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-static-'));
  writeFileSync(path.join(dir, 'index.html'), `<title>${title}</title>`);
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'app.js'), `console.log('${title}')`);
  return dir;
}

describe('static portal and console', () => {
  const app = express()
    .use(
      createStaticModule(
        { logger: createLogger('silent') },
        { webDir: builtApp('portal'), adminDir: builtApp('console') },
      ).router!,
    )
    .use(notFoundHandler)
    .use(errorHandler);

  it('serves the portal at / and its client-side routes', async () => {
    expect((await request(app).get('/').expect(200)).text).toContain('portal');
    expect((await request(app).get('/tasks/123').set('Accept', 'text/html').expect(200)).text).toContain('portal');
    expect((await request(app).get('/assets/app.js').expect(200)).text).toContain("console.log('portal')");
  });

  it('serves the console at /admin and its client-side routes', async () => {
    expect((await request(app).get('/admin/').expect(200)).text).toContain('console');
    expect((await request(app).get('/admin/users').set('Accept', 'text/html').expect(200)).text).toContain('console');
  });

  it('never answers API paths with a page', async () => {
    const res = await request(app).get('/api/v1/nope').set('Accept', 'text/html').expect(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});
