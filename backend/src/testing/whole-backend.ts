import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { startBackend } from '../bootstrap';
import type { DriverName } from '../db/data-source';
import { toDbTime } from '../db/time';
import { JwtService } from '../modules/auth/jwt.service';
import { signMessage } from '../modules/n8n/signed-message';
import { startFakeN8n } from './fake-n8n';
import { createTestUser, type TestUserOverrides } from './money-factories';
import { testConfig, testRedisUrl } from './test-config';
import { createTestDatabase } from './test-db';

export type WholeBackend = Awaited<ReturnType<typeof wholeBackend>>;

/**
 * Every module as `npm start` assembles them, listening on a free port, on a fresh database of
 * the given driver (MySQL/MariaDB runs with Redis), dispatching to a fake n8n that verifies the
 * signature. Merchants are made with credits; the first admin is signed in. Uploads are
 * recorded as rows (`upload()`): these suites are about what happens after an upload.
 */
export async function wholeBackend(driver: DriverName, env: Record<string, string> = {}) {
  const secret = `whole-backend-${randomUUID()}`;
  const db = await createTestDatabase(driver, { poolSize: 20 });
  await db.ds.destroy();
  const n8n = await startFakeN8n(secret);
  const config = testConfig(
    {
      N8N_BASE_URL: n8n.url,
      N8N_SHARED_SECRET: secret,
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTBOX_MAX_BACKOFF_MS: '200',
      TASK_WATCHDOG_INTERVAL_MS: '3600000',
      DATABASE_POOL_SIZE: '20',
      ...(driver === 'mysql' ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:${randomUUID()}:` } : {}),
      ...env,
    },
    db.config.type === 'mysql' ? { ...db.config, poolSize: 20 } : db.config,
  );
  const backend = await startBackend(config);
  const jwt = new JwtService(config.auth.jwtSecret, 3600);
  const admin = backend.ctx.firstStart.adminCredentials;
  if (!admin) throw new Error('expected the first admin to be created on a fresh database');
  const adminToken = (await request(backend.url).post('/api/v1/admin/login').send(admin).expect(200)).body
    .token as string;
  const ds = backend.ctx.db;
  return {
    backend,
    ds,
    n8n,
    secret,
    adminToken,
    api: () => request(backend.url),
    /** A merchant (default: a member with 10 credits) and a JWT for them. */
    merchant: async (overrides: TestUserOverrides = { quota: 10 }) => {
      const id = await createTestUser(ds.manager, overrides);
      return { id, token: jwt.sign('aiphoto-merchant', { sub: id, phone: '13900000000' }) };
    },
    /** An `uploads` row for the merchant, as POST /uploads leaves it; the key is returned. */
    upload: async (userId: string, content = randomUUID()) => {
      const sha256 = createHash('sha256').update(content).digest('hex');
      const key = `input/${userId}/${sha256}.jpg`;
      await ds.query(
        'INSERT INTO uploads (id, user_id, storage_key, sha256, size, mime, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [randomUUID(), userId, key, sha256, 1000, 'image/jpeg', 800, 800, toDbTime(new Date())],
      );
      return key;
    },
    /** POSTs a callback as the AI Photo Callback node does (signed with the shared secret). */
    callback: (body: object) => {
      const raw = JSON.stringify(body);
      return request(backend.url)
        .post('/api/v1/internal/n8n/callback')
        .set('Content-Type', 'application/json')
        .set(signMessage(secret, 'callback', raw))
        .send(raw);
    },
    close: async () => {
      await backend.close();
      await n8n.close();
      await db.drop();
    },
  };
}
