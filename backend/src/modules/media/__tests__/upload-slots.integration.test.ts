import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { waitFor } from '../../../../../jest/wait-for';
import { buildBackend } from '../../../bootstrap';
import { createTestDatabase, type TestDatabase } from '../../../testing/test-db';
import { testConfig } from '../../../testing/test-config';
import { startTestSandbox, type TestSandbox } from '../../../testing/test-sandbox';
import { JwtService } from '../../auth/jwt.service';
import { UsersRepository } from '../../users/users.repository';
import { createMediaModule, type MediaApi } from '../media.module';

const jpeg = (seed: string) =>
  sharp({ create: { width: 32, height: 24, channels: 3, background: `#${seed}` } })
    .jpeg()
    .toBuffer();

/**
 * Uploads whose bytes sit in memory are bounded per process (UPLOAD_CONCURRENCY, UPLOAD_QUEUE):
 * with one slot and no queue, a multipart upload still sending its body holds the slot, and every
 * other upload path — a file, an image by URL, a direct-upload confirmation — answers 503
 * UPLOADS_BUSY with Retry-After in the error shape until it is done or its client is gone.
 * The slots are in-process state with no database behind them, so SQLite alone is enough here.
 */
describe('upload slots', () => {
  let db: TestDatabase;
  let dataDir: string;
  let sandbox: TestSandbox;
  let backend: Awaited<ReturnType<typeof buildBackend>>;
  let media: MediaApi;
  let server: Server;
  let base: string;
  let user: { id: string; token: string };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-slots-'));
    sandbox = await startTestSandbox({ dataDir });
    db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    const config = testConfig(
      { SANDBOX_URL: sandbox.url, UPLOAD_CONCURRENCY: '1', UPLOAD_QUEUE: '0', UPLOAD_MAX_BYTES: '300000' },
      db.config,
    );
    const jwt = new JwtService(config.auth.jwtSecret, config.auth.jwtTtlSeconds);
    backend = await buildBackend(config, {
      modules: async (ctx) => {
        const mediaModule = createMediaModule(ctx, { jwt });
        media = mediaModule.api;
        return [mediaModule];
      },
    });
    server = backend.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const phone = `1360000${Math.floor(Math.random() * 9000 + 1000)}`;
    const row = await new UsersRepository().findOrCreateUser(backend.ctx.db.manager, phone);
    user = { id: row.id, token: jwt.sign('aiphoto-merchant', { sub: row.id, phone }) };
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await backend?.close();
    await db?.drop();
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A multipart upload that sends its headers and the first half of its body, then waits. */
  function slowUpload(file: Buffer): { req: ClientRequest; finish: () => Promise<{ status: number; body: string }> } {
    const boundary = 'slot-test-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const req = httpRequest(`${base}/api/v1/uploads`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${user.token}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(body.length),
      },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
    });
    answer.catch(() => undefined); // a test that destroys the request never reads the answer
    const half = body.length >> 1;
    req.write(body.subarray(0, half));
    return {
      req,
      finish: () => {
        req.end(body.subarray(half));
        return answer;
      },
    };
  }

  const expectBusy = (res: request.Response) => {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toEqual({ error: { code: 'UPLOADS_BUSY', message: expect.any(String) } });
  };

  it('answers 503 UPLOADS_BUSY on every upload path while the only slot is held, and serves again after', async () => {
    const confirmKey = `input/${user.id}/direct.jpg`;
    await media.storage.put(confirmKey, await jpeg('446688'), 'image/jpeg');
    const shop = createServer(async (_req, res) => res.writeHead(200).end(await jpeg('224466')));
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));

    const slow = slowUpload(await jpeg('113355'));
    await waitFor(
      () => media.media.slots.load.active,
      (n) => n === 1,
      { what: 'the slow upload holding its slot' },
    );
    try {
      const auth = `Bearer ${user.token}`;
      expectBusy(
        await request(base)
          .post('/api/v1/uploads')
          .set('Authorization', auth)
          .attach('file', await jpeg('557799'), 'b.jpg'),
      );
      expectBusy(
        await request(base)
          .post('/api/v1/uploads/from-url')
          .set('Authorization', auth)
          .send({ url: `http://127.0.0.1:${(shop.address() as AddressInfo).port}/a.jpg` }),
      );
      expectBusy(
        await request(base).post('/api/v1/uploads/confirm').set('Authorization', auth).send({ key: confirmKey }),
      );

      const done = await slow.finish();
      expect(done.status).toBe(201);
      expect(JSON.parse(done.body)).toMatchObject({ mime: 'image/jpeg', width: 32, height: 24 });
      await waitFor(
        () => media.media.slots.load.active,
        (n) => n === 0,
        { what: 'the slot given back' },
      );
      await request(base)
        .post('/api/v1/uploads/confirm')
        .set('Authorization', auth)
        .send({ key: confirmKey })
        .expect(201);
    } finally {
      await new Promise((resolve) => shop.close(resolve));
    }
  });

  it('gives the slot back when the client of an upload goes away mid-body', async () => {
    const slow = slowUpload(await jpeg('99aa00'));
    await waitFor(
      () => media.media.slots.load.active,
      (n) => n === 1,
      { what: 'the slow upload holding its slot' },
    );
    slow.req.destroy();
    await waitFor(
      () => media.media.slots.load,
      (l) => l.active === 0 && l.waiting === 0,
      {
        what: 'the slot given back',
      },
    );
    await request(base)
      .post('/api/v1/uploads')
      .set('Authorization', `Bearer ${user.token}`)
      .attach('file', await jpeg('aabb00'), 'c.jpg')
      .expect(201);
  });
});
