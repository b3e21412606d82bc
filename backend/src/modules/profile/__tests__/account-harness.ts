import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startBackend, type RunningBackend } from '../../../bootstrap';
import type { AppConfig } from '../../../config/config';
import type { DriverName } from '../../../db/data-source';
import { createTestDatabase, type TestDatabase } from '../../../testing/test-db';
import { testConfig, testRedisUrl } from '../../../testing/test-config';
import { startTestSandbox, type TestSandbox } from '../../../testing/test-sandbox';

export interface AccountBackend {
  backend: RunningBackend;
  sandbox: TestSandbox;
  config: AppConfig;
  /** Another replica on the same database and KV store (started on first use). */
  replica(): Promise<RunningBackend>;
  /** A client address of its own, so the per-IP SMS limits of one test do not reach the next. */
  ip(): string;
  /** The newest code the sandbox "texted" to `phone`. */
  smsCode(phone: string): Promise<string>;
  /** Signs in with a texted code, as the portal does (the number's one-a-minute cooldown is lifted first). */
  signIn(phone: string): Promise<{ token: string; user: { id: string; phone: string } }>;
  close(): Promise<void>;
}

/** A fresh mainland number. */
export const randomPhone = (prefix = '137') => `${prefix}${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/**
 * The whole backend as `npm start` builds it (every module, listening, background work started) on
 * `driver` — MariaDB with Redis, or SQLite with the in-process store — against the vendor sandbox
 * (SMS outbox, COS, WeChat endpoints).
 */
export async function accountBackend(driver: DriverName, env: Record<string, string> = {}): Promise<AccountBackend> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-account-'));
  const sandbox = await startTestSandbox({ dataDir });
  const db: TestDatabase = await createTestDatabase(driver);
  await db.ds.destroy();
  const redis: Record<string, string> =
    driver === 'mysql' ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:account:${randomUUID()}:` } : {};
  const config = testConfig(
    { VENDOR_MODE: 'sandbox', SANDBOX_URL: sandbox.url, DATA_DIR: dataDir, TRUST_PROXY: 'loopback', ...redis, ...env },
    db.config,
  );
  const backend = await startBackend(config);
  let second: RunningBackend | null = null;
  const ip = () => `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
  const smsCode = async (phone: string) => {
    const res = await fetch(`${sandbox.url}/sandbox/sms/outbox?phone=${encodeURIComponent(phone)}`);
    const { items } = (await res.json()) as { items: Array<{ code: string }> };
    if (!items[0]) throw new Error(`no code was texted to ${phone}`);
    return items[0].code;
  };
  return {
    backend,
    sandbox,
    config,
    ip,
    smsCode,
    replica: async () => (second ??= await startBackend(config)),
    signIn: async (phone) => {
      await backend.ctx.kv.del(`sms:cooldown:${phone}`);
      const from = ip();
      await request(backend.app)
        .post('/api/v1/auth/send-code')
        .set('X-Forwarded-For', from)
        .send({ phone })
        .expect(200);
      const res = await request(backend.app)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', from)
        .send({ phone, code: await smsCode(phone) })
        .expect(200);
      return res.body as { token: string; user: { id: string; phone: string } };
    },
    close: async () => {
      await second?.close();
      await backend.close();
      await sandbox.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
