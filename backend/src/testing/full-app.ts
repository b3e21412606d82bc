import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildBackend } from '../bootstrap';
import { JwtService } from '../modules/auth/jwt.service';
import { createTestUser } from './money-factories';
import { createTestDatabase } from './test-db';
import { testConfig } from './test-config';
import { startTestSandbox, type TestSandbox } from './test-sandbox';

export type FullApp = Awaited<ReturnType<typeof fullApp>>;

/**
 * The whole backend as `npm start` assembles it (every module, on a fresh SQLite database, no
 * server listening: drive it with supertest), with a merchant who has credits and the
 * bootstrap admin signed in, so authenticated routes are reached too. `sandbox: true` also
 * runs the vendor sandbox (SMS, COS, STS, payments) in this process for the backend to call.
 */
export async function fullApp(env: Record<string, string> = {}, options: { sandbox?: boolean } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-full-'));
  const sandbox: TestSandbox | null = options.sandbox ? await startTestSandbox({ dataDir }) : null;
  const db = await createTestDatabase('sqlite');
  await db.ds.destroy();
  const config = testConfig({ DATA_DIR: dataDir, ...(sandbox ? { SANDBOX_URL: sandbox.url } : {}), ...env }, db.config);
  const backend = await buildBackend(config);
  const userId = await createTestUser(backend.ctx.db.manager, { quota: 50 });
  const jwt = new JwtService(config.auth.jwtSecret, 3600);
  const merchantToken = jwt.sign('aiphoto-merchant', { sub: userId, phone: '13900000000' });
  // The first admin's password is generated on this first start (there is no default one).
  const admin = backend.ctx.firstStart.adminCredentials;
  if (!admin) throw new Error('expected the first admin to be created on a fresh database');
  const login = await request(backend.app).post('/api/v1/admin/login').send(admin).expect(200);
  return {
    app: backend.app,
    backend,
    config,
    jwt,
    userId,
    merchantToken,
    adminToken: login.body.token as string,
    close: async () => {
      await backend.close();
      await sandbox?.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
