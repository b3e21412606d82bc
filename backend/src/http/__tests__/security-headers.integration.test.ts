import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildBackend } from '../../bootstrap';
import { createStaticModule } from '../../modules/static/static.module';
import { createTestDatabase, type TestDatabase } from '../../testing/test-db';
import { testConfig } from '../../testing/test-config';
import { appDirectives } from '../security-headers';

type Backend = Awaited<ReturnType<typeof buildBackend>>;

function builtApp(title: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-headers-'));
  writeFileSync(path.join(dir, 'index.html'), `<title>${title}</title>`);
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'app.js'), `console.log('${title}')`);
  return dir;
}

/** `content-security-policy` as directive → sources. */
function csp(header: string | undefined): Record<string, string[]> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

/**
 * Helmet's headers on every answer of the assembled backend (pages, assets, API JSON, errors),
 * and the portal/console Content-Security-Policy on pages and files only. The browser suites
 * (web/__tests__/ui.e2e.test.ts) show both UIs working under it with no violation.
 */
describe('security headers', () => {
  let db: TestDatabase;
  const backends: Backend[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await db.ds.destroy();
  });
  afterAll(async () => {
    for (const b of backends) await b.close();
    await db?.drop();
  });

  async function start(env: Record<string, string> = {}): Promise<Backend> {
    const config = testConfig({ SANDBOX_URL: 'http://127.0.0.1:9411', ...env }, db.config);
    const backend = await buildBackend(config, {
      modules: async (ctx) => [createStaticModule(ctx, { webDir: builtApp('portal'), adminDir: builtApp('console') })],
    });
    backends.push(backend);
    return backend;
  }

  const expectCommonHeaders = (res: request.Response) => {
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin-allow-popups',
      'cross-origin-resource-policy': 'same-origin',
      'x-dns-prefetch-control': 'off',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  };

  it('gives the portal, the console and their files a CSP that runs scripts from this origin only', async () => {
    const { app } = await start();
    for (const [p, accept] of [
      ['/', 'text/html'],
      ['/tasks/42', 'text/html'],
      ['/admin/', 'text/html'],
      ['/admin/users', 'text/html'],
      ['/assets/app.js', '*/*'],
    ]) {
      const res = await request(app).get(p).set('Accept', accept).expect(200);
      expectCommonHeaders(res);
      const policy = csp(res.headers['content-security-policy']);
      expect(policy['script-src']).toEqual(["'self'"]);
      expect(policy['script-src-attr']).toEqual(["'none'"]);
      expect(policy['style-src']).toEqual(["'self'"]);
      expect(policy['object-src']).toEqual(["'none'"]);
      expect(policy['frame-ancestors']).toEqual(["'none'"]);
      expect(policy['form-action']).toEqual(["'self'"]);
      expect(policy['base-uri']).toEqual(["'self'"]);
      // Signed storage URLs (the sandbox here), upload previews and QR codes.
      expect(policy['img-src']).toEqual(["'self'", 'data:', 'blob:', 'http://127.0.0.1:9411']);
      expect(policy['connect-src']).toEqual(["'self'", 'http://127.0.0.1:9411']);
      expect(policy['media-src']).toEqual(["'self'", 'http://127.0.0.1:9411']); // the video album plays
      expect(policy['upgrade-insecure-requests']).toBeUndefined(); // served over http here
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('gives API JSON, errors and health answers every header but the CSP', async () => {
    const { app } = await start();
    for (const res of [
      await request(app).get('/api/v1/nope').expect(404),
      await request(app).post('/api/v1/nope').set('Content-Type', 'application/json').send('{bad').expect(400),
      await request(app).get('/api/v1/uploads/config').expect(404),
    ]) {
      expectCommonHeaders(res);
      expect(res.headers['content-security-policy']).toBeUndefined();
      expect(res.body.error.code).toEqual(expect.any(String));
    }
    expectCommonHeaders(await request(app).get('/health').expect(200));
  });

  it('lets Swagger UI keep its inline styles, but still no inline script', async () => {
    const { app } = await start();
    const res = await request(app).get('/api/docs/').set('Accept', 'text/html').expect(200);
    expect(res.text).toContain('swagger-ui');
    const policy = csp(res.headers['content-security-policy']);
    expect(policy['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy['script-src']).toEqual(["'self'"]);
  });

  it('adds HSTS and upgrade-insecure-requests when the public address is https', async () => {
    const { app } = await start({ PUBLIC_BASE_URL: 'https://photo.example.com' });
    const res = await request(app).get('/').set('Accept', 'text/html').expect(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=15552000');
    expect(csp(res.headers['content-security-policy'])['upgrade-insecure-requests']).toEqual([]);
  });

  it('names the live bucket as the storage origin with live vendors', () => {
    const config = testConfig({
      VENDOR_MODE: 'live',
      COS_BUCKET: 'photos-1250000000',
      COS_REGION: 'ap-shanghai',
    });
    const directives = appDirectives(config);
    expect(directives['img-src']).toContain('https://photos-1250000000.cos.ap-shanghai.myqcloud.com');
    expect(directives['connect-src']).toContain('https://photos-1250000000.cos.ap-shanghai.myqcloud.com');
  });
});
