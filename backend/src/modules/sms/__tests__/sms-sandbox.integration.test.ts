import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildBackend } from '../../../bootstrap';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig, testRedisUrl } from '../../../testing/test-config';
import { startTestSandbox, type TestSandbox } from '../../../testing/test-sandbox';
import { createAuthModule } from '../../auth/auth.module';
import { JwtService } from '../../auth/jwt.service';
import { UsersRepository } from '../../users/users.repository';

interface OutboxItem {
  phone: string;
  code: string;
  templateParams: string[];
  templateId: string;
  signName: string;
  smsSdkAppId: string;
}

// Starting the sandbox generates its payment keys (RSA): slow on a busy machine.
jest.setTimeout(30_000);

describe.each(drivers)('SMS login through the vendor sandbox on %s', (driver) => {
  let sandbox: TestSandbox;
  let db: TestDatabase;
  let backend: Awaited<ReturnType<typeof buildBackend>>;

  const outbox = async (phone: string): Promise<OutboxItem[]> =>
    (
      (await (await fetch(`${sandbox.url}/sandbox/sms/outbox?phone=${encodeURIComponent(phone)}`)).json()) as {
        items: OutboxItem[];
      }
    ).items;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'aiphoto-sms-sandbox-')) });
    db = await createTestDatabase(driver);
    await db.ds.destroy();
    const redis: Record<string, string> =
      driver === 'mysql'
        ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:sms:${process.pid}:${Date.now()}:` }
        : {};
    const config = testConfig(
      {
        VENDOR_MODE: 'sandbox',
        SANDBOX_URL: sandbox.url,
        SMS_TEMPLATE_ID: '2345678',
        SMS_SIGN_NAME: 'AI Photo Test',
        // Only +86 is allowed by default; the test sends one UK number through as well.
        SMS_ALLOWED_COUNTRY_CODES: '+86,+44',
        ...redis,
      },
      db.config,
    );
    const jwt = new JwtService(config.auth.jwtSecret, config.auth.jwtTtlSeconds);
    // No SMS fake: the module builds its configured sender, the Tencent Cloud SDK aimed at the sandbox.
    backend = await buildBackend(config, {
      modules: async (ctx) => [createAuthModule(ctx, { jwt, users: new UsersRepository() })],
    });
  });

  afterAll(async () => {
    await backend?.close();
    await db?.drop();
    await sandbox?.close();
  });

  it('texts the code with the Tencent Cloud SDK and logs in with the code read from the outbox', async () => {
    const phone = '13700000001';
    const sent = await request(backend.app).post('/api/v1/auth/send-code').send({ phone }).expect(200);
    expect(sent.body).toEqual({ sent: true, cooldownSeconds: 60 });

    const items = await outbox(phone);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      phone: '+8613700000001',
      templateId: '2345678',
      signName: 'AI Photo Test',
      templateParams: [items[0].code, '5'],
    });
    expect(items[0].code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(sent.body)).not.toContain(items[0].code);

    const res = await request(backend.app).post('/api/v1/auth/login').send({ phone, code: items[0].code }).expect(200);
    expect(res.body.user).toMatchObject({ phone, isMember: false, quotaRemaining: 0 });
    const [user] = (await backend.ctx.db.query('SELECT id FROM users WHERE phone = ?', [phone])) as Array<{
      id: string;
    }>;
    expect(user.id).toBe(res.body.user.id);
  });

  it('sends other countries to the vendor in E.164 unchanged', async () => {
    await request(backend.app).post('/api/v1/auth/send-code').send({ phone: '+447700900123' }).expect(200);
    expect((await outbox('+447700900123')).map((m) => m.phone)).toEqual(['+447700900123']);
  });
});
