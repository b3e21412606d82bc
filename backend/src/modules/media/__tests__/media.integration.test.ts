import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import express from 'express';
import sharp from 'sharp';
import request from 'supertest';
import { buildBackend } from '../../../bootstrap';
import { blackPng } from '../../../testing/images';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig, testRedisUrl } from '../../../testing/test-config';
import { startTestSandbox, type TestSandbox } from '../../../testing/test-sandbox';
import { JwtService } from '../../auth/jwt.service';
import { UsersRepository } from '../../users/users.repository';
import { createMediaModule, type MediaApi } from '../media.module';
import { readZip } from './zip-reader';

const UPLOAD_MAX_BYTES = 300_000;
const jpeg = (seed: string) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: `#${seed}` } })
    .jpeg()
    .toBuffer();
/** Pixel noise, so the compressed pixel data is most of the file and a cut lands inside it. */
const noisy = (format: 'png' | 'jpeg') =>
  sharp(Buffer.from(Array.from({ length: 120 * 90 * 3 }, (_, i) => (i * 7919) % 251)), {
    raw: { width: 120, height: 90, channels: 3 },
  })
    .toFormat(format)
    .toBuffer();
const png = () =>
  sharp({ create: { width: 30, height: 70, channels: 4, background: '#00ff0080' } })
    .png()
    .toBuffer();

describe.each(drivers)('media on %s against the vendor sandbox', (driver) => {
  let db: TestDatabase;
  let dataDir: string;
  let sandbox: TestSandbox;
  let backend: Awaited<ReturnType<typeof buildBackend>>;
  let media: MediaApi;
  let zipEntries: Array<{ name: string; key: string }> = [];
  const users = new UsersRepository();
  const phones = {
    alice: `1380000${Math.floor(Math.random() * 9000 + 1000)}`,
    bob: `1390000${Math.floor(Math.random() * 9000 + 1000)}`,
  };
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };

  const putCalls = async () => {
    const res = await fetch(`${sandbox.url}/sandbox/calls`);
    return ((await res.json()) as { calls: Record<string, number> }).calls['cos:PutObject'] ?? 0;
  };
  const upload = (token: string, body: Buffer, filename = 'photo.jpg') =>
    request(backend.app).post('/api/v1/uploads').set('Authorization', `Bearer ${token}`).attach('file', body, filename);

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-media-'));
    sandbox = await startTestSandbox({ dataDir });

    db = await createTestDatabase(driver);
    await db.ds.destroy(); // the app opens its own connection to the migrated database
    const redis: Record<string, string> =
      driver === 'mysql' ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:media:${Date.now()}:` } : {};
    const config = testConfig(
      { ...redis, SANDBOX_URL: sandbox.url, UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES) },
      db.config,
    );
    const jwt = new JwtService(config.auth.jwtSecret, config.auth.jwtTtlSeconds);
    backend = await buildBackend(config, {
      modules: async (ctx) => {
        const mediaModule = createMediaModule(ctx, { jwt });
        media = mediaModule.api;
        // Stands in for the tasks download routes, which call zip.stream the same way.
        const zipRouter = express
          .Router()
          .get('/test/zip', (_req, res) => media.zip.stream(res, '作品 batch.zip', zipEntries));
        return [mediaModule, { name: 'zip-test', router: zipRouter }];
      },
    });
    const login = async (phone: string) => {
      const user = await users.findOrCreateUser(backend.ctx.db.manager, phone);
      return { id: user.id, token: jwt.sign('aiphoto-merchant', { sub: user.id, phone }) };
    };
    alice = await login(phones.alice);
    bob = await login(phones.bob);
  });

  afterAll(async () => {
    await backend?.close();
    await db?.drop();
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores a JPEG under the owner prefix by content hash and records it', async () => {
    const bytes = await jpeg('aa3300');
    const res = await upload(alice.token, bytes).expect(201);
    expect(res.body).toEqual({
      key: expect.stringMatching(new RegExp(`^input/${alice.id}/[0-9a-f]{64}\\.jpg$`)),
      width: 64,
      height: 48,
      size: bytes.length,
      mime: 'image/jpeg',
      name: 'photo.jpg',
    });
    const head = await media.storage.head(res.body.key);
    expect(head).toMatchObject({ size: bytes.length, contentType: 'image/jpeg' });
    const [row] = (await backend.ctx.db.query('SELECT * FROM uploads WHERE storage_key = ?', [res.body.key])) as Array<
      Record<string, unknown>
    >;
    expect(row).toMatchObject({ user_id: alice.id, mime: 'image/jpeg' });
    expect(Number(row.size)).toBe(bytes.length);
  });

  it('stores a PNG sniffed from its bytes even when named .jpg', async () => {
    const res = await upload(alice.token, await png(), 'misnamed.jpg').expect(201);
    expect(res.body).toMatchObject({ key: expect.stringMatching(/\.png$/), width: 30, height: 70, mime: 'image/png' });
  });

  it('refuses a text file renamed .jpg with 415 and stores nothing', async () => {
    const before = await putCalls();
    const res = await upload(alice.token, Buffer.from('not an image at all'), 'fake.jpg').expect(415);
    expect(res.body).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) } });
    expect(await putCalls()).toBe(before);
  });

  it('refuses an upload over UPLOAD_MAX_BYTES with 413 in the common error shape', async () => {
    const big = Buffer.concat([await jpeg('123456'), Buffer.alloc(UPLOAD_MAX_BYTES)]);
    const res = await upload(alice.token, big).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a truncated PNG and JPEG with 400 IMAGE_CORRUPT and stores nothing', async () => {
    const before = await putCalls();
    for (const [bytes, name] of [
      [await noisy('png'), 'cut.png'],
      [await noisy('jpeg'), 'cut.jpg'],
    ] as const) {
      const res = await upload(alice.token, bytes.subarray(0, Math.floor(bytes.length * 0.6)), name).expect(400);
      expect(res.body).toEqual({ error: { code: 'IMAGE_CORRUPT', message: expect.any(String) } });
    }
    expect(await putCalls()).toBe(before);
  });

  it('refuses a 10000×10000 PNG (100 Mpx, ~100 KB) with 413 IMAGE_TOO_MANY_PIXELS, by file and by URL', async () => {
    const bomb = blackPng(10_000, 10_000);
    const before = await putCalls();
    const res = await upload(alice.token, bomb, 'bomb.png').expect(413);
    expect(res.body).toEqual({
      error: { code: 'IMAGE_TOO_MANY_PIXELS', message: expect.stringContaining('10000×10000') },
    });
    const shop = createServer((_req, r) => r.writeHead(200, { 'content-type': 'image/png' }).end(bomb));
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/bomb.png`;
      const byUrl = await request(backend.app)
        .post('/api/v1/uploads/from-url')
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ url })
        .expect(413);
      expect(byUrl.body.error.code).toBe('IMAGE_TOO_MANY_PIXELS');
    } finally {
      await new Promise((resolve) => shop.close(resolve));
    }
    expect(await putCalls()).toBe(before);
  });

  it('answers a repeated upload with the same key (200), one row and no second write', async () => {
    const bytes = await jpeg('0055ff');
    const first = await upload(alice.token, bytes).expect(201);
    const puts = await putCalls();
    const second = await upload(alice.token, bytes, 'again.jpg').expect(200);
    expect(second.body).toEqual({ ...first.body, name: 'again.jpg' });
    expect(await putCalls()).toBe(puts);
    const [{ n }] = (await backend.ctx.db.query('SELECT COUNT(*) AS n FROM uploads WHERE storage_key = ?', [
      first.body.key,
    ])) as Array<{ n: number | string }>;
    expect(Number(n)).toBe(1);
  });

  it('stores an image fetched by URL as the same upload record a file upload makes', async () => {
    const bytes = await jpeg('11aa77');
    // The merchant's shop, on loopback (allowed outside production), claiming a wrong type.
    const shop = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(bytes));
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/products/42/main`;
      const fetched = await request(backend.app)
        .post('/api/v1/uploads/from-url')
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ url })
        .expect(201);
      expect(fetched.body).toEqual({
        key: expect.stringMatching(new RegExp(`^input/${alice.id}/[0-9a-f]{64}\\.jpg$`)),
        width: 64,
        height: 48,
        size: bytes.length,
        mime: 'image/jpeg',
        name: 'main',
      });
      expect(await media.storage.head(fetched.body.key)).toMatchObject({ size: bytes.length });
      // The same bytes as a file: the same record (200, now under the file's name), and the key is
      // a task input like any upload.
      expect((await upload(alice.token, bytes).expect(200)).body).toEqual({ ...fetched.body, name: 'photo.jpg' });
      await expect(media.media.assertOwnedInput(alice.id, fetched.body.key)).resolves.toBeDefined();
      await request(backend.app)
        .post('/api/v1/uploads/from-url')
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ url })
        .expect(200);
    } finally {
      await new Promise((resolve) => shop.close(resolve));
    }
  });

  it('keeps the original file name, UTF-8 and cleaned; the same bytes again take the newer name', async () => {
    const bytes = await jpeg('5a7b8c');
    const first = await upload(alice.token, bytes, '夏季 白T恤.jpg').expect(201);
    expect(first.body.name).toBe('夏季 白T恤.jpg');
    const nameOf = async (key: string) =>
      (
        (await backend.ctx.db.query('SELECT original_name FROM uploads WHERE storage_key = ?', [key])) as Array<{
          original_name: string | null;
        }>
      )[0].original_name;
    expect(await nameOf(first.body.key)).toBe('夏季 白T恤.jpg');
    // Characters Windows refuses in a file name never reach the database.
    const again = await upload(alice.token, bytes, 'new<name>?.jpg').expect(200);
    expect(again.body).toEqual({ ...first.body, name: 'new name .jpg' });
    expect(await nameOf(first.body.key)).toBe('new name .jpg');
  });

  it('keeps the same bytes from another user under that user’s own prefix', async () => {
    const bytes = await jpeg('0055ff');
    const res = await upload(bob.token, bytes).expect(201);
    expect(res.body.key.startsWith(`input/${bob.id}/`)).toBe(true);
  });

  it('requires a signed-in merchant and a file', async () => {
    await request(backend.app)
      .post('/api/v1/uploads')
      .attach('file', await jpeg('111111'), 'a.jpg')
      .expect(401);
    const res = await request(backend.app)
      .post('/api/v1/uploads')
      .set('Authorization', `Bearer ${alice.token}`)
      .field('other', 'x')
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it("accepts only the caller's own recorded uploads as task inputs", async () => {
    const own = (await upload(alice.token, await jpeg('222222')).expect(201)).body.key as string;
    const bobs = (await upload(bob.token, await jpeg('333333')).expect(201)).body.key as string;
    await expect(media.media.assertOwnedInput(alice.id, own)).resolves.toMatchObject({
      storageKey: own,
      userId: alice.id,
    });
    await expect(media.media.assertOwnedInput(alice.id, bobs)).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    await expect(media.media.assertOwnedInput(alice.id, `${sandbox.url}/${own}`)).rejects.toMatchObject({
      status: 400,
    });
    await expect(media.media.assertOwnedInput(alice.id, `input/${alice.id}/../${bob.id}/x.jpg`)).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      media.media.assertOwnedInput(alice.id, `input/${alice.id}/${'0'.repeat(64)}.jpg`),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('signs short-lived GET URLs that the storage honours until they expire', async () => {
    const bytes = await jpeg('444444');
    const { key } = (await upload(alice.token, bytes).expect(201)).body as { key: string };
    // A URL signed a minute ago for 20 seconds: its window has passed. The COS SDK stamps the
    // signing time from Date.now, so moving that clock replaces waiting for the expiry. Another
    // lifetime than the fresh URL's, so the signed-URL cache (keyed by key and lifetime) keeps
    // the two apart.
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() - 60_000);
    const staleUrl = media.storage.signedUrl(key, 20);
    clock.mockRestore();
    const ok = await fetch(media.storage.signedUrl(key, 30));
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);
    const expired = await fetch(staleUrl);
    expect(expired.status).toBe(403);
    await expired.body?.cancel();
  });

  it('streams a ZIP of stored objects and lists missing ones in MISSING.txt', async () => {
    const a = await jpeg('555555');
    const b = await png();
    await media.storage.put(`output/${alice.id}/t1/01.jpg`, a, 'image/jpeg');
    await media.storage.put(`output/${alice.id}/t1/02.png`, b, 'image/png');
    zipEntries = [
      { name: 't1/01.jpg', key: `output/${alice.id}/t1/01.jpg` },
      { name: 't1/gone.png', key: `output/${alice.id}/t1/gone.png` },
      { name: '../t1/02.png', key: `output/${alice.id}/t1/02.png` },
    ];
    const res = await request(backend.app)
      .get('/test/zip')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('作品 batch.zip')}`);
    const files = readZip(res.body as Buffer);
    expect(files.map((f) => f.name)).toEqual(['t1/01.jpg', 't1/02.png', 'MISSING.txt']);
    expect(files[0].data.equals(a)).toBe(true);
    expect(files[1].data.equals(b)).toBe(true);
    expect(files[2].data.toString()).toContain('t1/gone.png');
  });

  it('issues upload credentials that the sandbox accepts for the user prefix only', async () => {
    const res = await request(backend.app)
      .post('/api/v1/uploads/sts')
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);
    expect(res.body).toMatchObject({
      bucket: 'aiphoto-1250000000',
      region: 'ap-guangzhou',
      allowPrefix: `input/${alice.id}/*`,
      endpoint: sandbox.url,
    });
    expect(res.body.expiredTime - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(1800);
    expect(res.body.note).toBeUndefined();
    const { tmpSecretId, tmpSecretKey, sessionToken } = res.body.credentials as Record<string, string>;
    // Scoped temporary credentials from the sandbox's STS, never its own development key pair.
    expect(tmpSecretId).not.toBe(backend.ctx.config.storage.secretId);
    expect(tmpSecretKey).not.toBe(backend.ctx.config.storage.secretKey);
    expect(sessionToken).not.toBe('');
    const browser = new COS({
      SecretId: tmpSecretId,
      SecretKey: tmpSecretKey,
      SecurityToken: sessionToken,
      Domain: new URL(sandbox.url).host,
      Protocol: 'http:',
    });
    const put = await browser.putObject({
      Bucket: res.body.bucket,
      Region: res.body.region,
      Key: `input/${alice.id}/direct.jpg`,
      Body: await jpeg('666666'),
    });
    expect(put.statusCode).toBe(200);
    expect(await media.storage.exists(`input/${alice.id}/direct.jpg`)).toBe(true);
    // The sandbox's COS holds them to the policy: outside the merchant's prefix, over
    // UPLOAD_MAX_BYTES, or anything but a PUT is 403.
    const refused = (attempt: Promise<unknown>) =>
      attempt.then(
        () => 'allowed',
        (err: { statusCode?: number }) => err.statusCode,
      );
    const bucket = { Bucket: res.body.bucket, Region: res.body.region };
    const putAnswer = (Key: string, Body: Buffer) => refused(browser.putObject({ ...bucket, Key, Body }));
    const small = await jpeg('676767');
    expect(await putAnswer(`input/${bob.id}/x.jpg`, small)).toBe(403);
    expect(await putAnswer(`output/${alice.id}/t/x.jpg`, small)).toBe(403);
    expect(await putAnswer(`input/${alice.id}/huge.jpg`, Buffer.alloc(UPLOAD_MAX_BYTES + 1))).toBe(403);
    expect(await refused(browser.getObject({ ...bucket, Key: `input/${alice.id}/direct.jpg` }))).toBe(403);
    expect(await refused(browser.deleteObject({ ...bucket, Key: `input/${alice.id}/direct.jpg` }))).toBe(403);
    expect(await media.storage.exists(`input/${bob.id}/x.jpg`)).toBe(false);
    expect(await media.storage.exists(`input/${alice.id}/huge.jpg`)).toBe(false);
    await request(backend.app).post('/api/v1/uploads/sts').expect(401);

    // The direct upload becomes a task input only once confirmed (read back and sniffed).
    const confirm = (key: string, token = alice.token) =>
      request(backend.app).post('/api/v1/uploads/confirm').set('Authorization', `Bearer ${token}`).send({ key });
    await expect(media.media.assertOwnedInput(alice.id, `input/${alice.id}/direct.jpg`)).rejects.toMatchObject({
      status: 404,
    });
    const confirmed = await confirm(`input/${alice.id}/direct.jpg`).expect(201);
    expect(confirmed.body).toMatchObject({
      key: `input/${alice.id}/direct.jpg`,
      mime: 'image/jpeg',
      width: 64,
      height: 48,
    });
    await expect(media.media.assertOwnedInput(alice.id, `input/${alice.id}/direct.jpg`)).resolves.toMatchObject({
      storageKey: `input/${alice.id}/direct.jpg`,
    });
    expect((await confirm(`input/${alice.id}/direct.jpg`).expect(200)).body.key).toBe(`input/${alice.id}/direct.jpg`);
    expect((await confirm(`input/${alice.id}/direct.jpg`, bob.token).expect(400)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await confirm(`input/${alice.id}/never-uploaded.jpg`).expect(404)).body.error.code).toBe(
      'OBJECT_NOT_FOUND',
    );
    await browser.putObject({
      Bucket: res.body.bucket,
      Region: res.body.region,
      Key: `input/${alice.id}/notes.jpg`,
      Body: Buffer.from('not an image'),
    });
    expect((await confirm(`input/${alice.id}/notes.jpg`).expect(415)).body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const cut = await noisy('png');
    await media.storage.put(`input/${alice.id}/cut.png`, cut.subarray(0, cut.length >> 1), 'image/png');
    expect((await confirm(`input/${alice.id}/cut.png`).expect(400)).body.error.code).toBe('IMAGE_CORRUPT');
  });

  it('caps the bytes it reads back on confirm: an object swapped for a larger one after HEAD is refused (413)', async () => {
    const key = `input/${alice.id}/swapped.png`;
    await media.storage.put(key, await png(), 'image/png');
    // A larger valid image replaces the object between the HEAD and the GET of the confirmation:
    // what HEAD said must not decide how much is read.
    const large = await sharp(Buffer.from(Array.from({ length: 400 * 400 * 3 }, (_, i) => (i * 104729) % 253)), {
      raw: { width: 400, height: 400, channels: 3 },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(large.length).toBeGreaterThan(UPLOAD_MAX_BYTES);
    const head = media.storage.head.bind(media.storage);
    const spy = jest.spyOn(media.storage, 'head').mockImplementationOnce(async (k: string) => {
      const before = await head(k);
      await media.storage.put(k, large, 'image/png');
      return before;
    });
    try {
      const res = await request(backend.app)
        .post('/api/v1/uploads/confirm')
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ key })
        .expect(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      spy.mockRestore();
    }
    await expect(media.media.assertOwnedInput(alice.id, key)).rejects.toMatchObject({ status: 404 });
  });
});
