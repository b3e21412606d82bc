import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { buildBackend } from '../../../bootstrap';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig, testRedisUrl } from '../../../testing/test-config';
import { JwtService } from '../../auth/jwt.service';
import { UsersRepository } from '../../users/users.repository';
import { createMediaModule } from '../media.module';

type Backend = Awaited<ReturnType<typeof buildBackend>>;

/**
 * `POST /api/v1/uploads/from-url` where it refuses before anything is stored: private
 * addresses (when not allowed), answers that are not an image, too large or failing, and the
 * per-merchant rate limit. Storing a fetched image is shown against the sandbox in
 * media.integration.test.ts. The "remote" server here is on loopback.
 */
describe.each(drivers)('uploads from a URL on %s', (driver) => {
  let db: TestDatabase;
  let site: Server;
  let siteUrl: string;
  const backends: Backend[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    await db.ds.destroy();
    site = createServer((req, res) => {
      if (req.url === '/notes.txt')
        return res.writeHead(200, { 'content-type': 'image/jpeg' }).end('not an image at all');
      if (req.url === '/huge.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(6000));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const b of backends) await b.close();
    await new Promise((resolve) => site?.close(resolve));
    await db?.drop();
  });

  async function start(env: Record<string, string>) {
    const redis: Record<string, string> =
      driver === 'mysql' ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:from-url:${randomUUID()}:` } : {};
    const config = testConfig({ ...redis, UPLOAD_MAX_BYTES: '5000', ...env }, db.config);
    const jwt = new JwtService(config.auth.jwtSecret, config.auth.jwtTtlSeconds);
    const backend = await buildBackend(config, { modules: async (ctx) => [createMediaModule(ctx, { jwt })] });
    backends.push(backend);
    const merchant = async () => {
      const phone = `136${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
      const user = await new UsersRepository().findOrCreateUser(backend.ctx.db.manager, phone);
      return jwt.sign('aiphoto-merchant', { sub: user.id, phone });
    };
    const fromUrl = (token: string, url: string) =>
      request(backend.app).post('/api/v1/uploads/from-url').set('Authorization', `Bearer ${token}`).send({ url });
    return { merchant, fromUrl, backend };
  }

  it('refuses loopback and private addresses when UPLOAD_URL_ALLOW_PRIVATE is off', async () => {
    const { merchant, fromUrl } = await start({ UPLOAD_URL_ALLOW_PRIVATE: 'false' });
    const token = await merchant();
    for (const url of [
      `${siteUrl}/a.jpg`,
      'http://localhost/a.jpg',
      'http://192.168.1.20/a.jpg',
      'http://[::1]/a.jpg',
    ]) {
      const res = await fromUrl(token, url).expect(400);
      expect(res.body.error.code).toBe('URL_PRIVATE');
    }
  });

  it('sniffs the bytes (415 for a non-image whatever its Content-Type), caps the size (413), reports a failing server (400)', async () => {
    const { merchant, fromUrl } = await start({});
    const token = await merchant();
    expect((await fromUrl(token, `${siteUrl}/notes.txt`).expect(415)).body.error).toBeDefined();
    expect((await fromUrl(token, `${siteUrl}/huge.jpg`).expect(413)).body.error.code).toBeDefined();
    expect((await fromUrl(token, `${siteUrl}/missing.jpg`).expect(400)).body.error).toMatchObject({
      code: 'URL_FETCH_FAILED',
      message: expect.stringMatching(/404/),
    });
    await fromUrl(token, 'ftp://example.com/a.jpg').expect(400);
    await request(backends.at(-1)!.app)
      .post('/api/v1/uploads/from-url')
      .send({ url: `${siteUrl}/a.jpg` })
      .expect(401);
  });

  it('limits fetches per merchant per minute (429 with Retry-After), not across merchants', async () => {
    const { merchant, fromUrl } = await start({ UPLOAD_URL_PER_MINUTE: '2' });
    const [busy, other] = [await merchant(), await merchant()];
    await fromUrl(busy, `${siteUrl}/missing.jpg`).expect(400);
    await fromUrl(busy, `${siteUrl}/missing.jpg`).expect(400);
    const limited = await fromUrl(busy, `${siteUrl}/missing.jpg`).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await fromUrl(other, `${siteUrl}/missing.jpg`).expect(400);
  });
});
