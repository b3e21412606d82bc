import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { AppModule } from '../../../app';
import { buildBackend } from '../../../bootstrap';
import { defineRoute } from '../../../http/route';
import { RecordingSmsSender } from '../../../testing/fake-sms-sender';
import { testConfig, testRedisUrl } from '../../../testing/test-config';
import type { DriverName } from '../../../db/data-source';
import { createTestDatabase, type TestDatabase } from '../../../testing/test-db';
import { createAdminAuthModule } from '../../admin-auth/admin-auth.module';
import { UsersRepository } from '../../users/users.repository';
import { createAuthModule } from '../auth.module';
import { currentAdmin, currentUser, requireAdmin, requireUser } from '../auth.middleware';
import type { AuthPolicy } from '../auth.service';
import { JwtService } from '../jwt.service';

export const JWT_SECRET = 'identity-test-jwt-secret-0123456789';

/** A clock the tests move forward instead of waiting. */
export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advanceSeconds(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}

export interface IdentityApp {
  backend: Awaited<ReturnType<typeof buildBackend>>;
  db: TestDatabase;
  sms: RecordingSmsSender;
  clock: TestClock;
  jwt: JwtService;
  close(): Promise<void>;
}

/** Routes other modules would own, guarded the way they will guard them. */
function probeModule(registry: OpenAPIRegistry, jwt: JwtService): AppModule {
  const router = Router();
  defineRoute(router, registry, {
    method: 'get',
    path: '/api/v1/test/whoami',
    summary: '',
    tags: [],
    before: [requireUser(jwt)],
    handler: async ({ req }) => currentUser(req),
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/api/v1/admin/test/admin-only',
    summary: '',
    tags: [],
    before: [requireAdmin(jwt, 'admin')],
    handler: async ({ req }) => currentAdmin(req),
  });
  defineRoute(router, registry, {
    method: 'post',
    path: '/api/v1/internal/test/ping',
    summary: '',
    tags: [],
    handler: async () => ({ ok: true }),
  });
  return { name: 'probe', router };
}

/**
 * The identity modules on a fresh database of `driver` (MySQL runs with Redis, SQLite with
 * the in-process store), with the SMS fake and a movable clock. TRUST_PROXY is one hop so each
 * test can act from its own address through X-Forwarded-For.
 */
export async function startIdentityApp(
  driver: DriverName,
  options: { env?: Record<string, string>; policy?: Partial<AuthPolicy> } = {},
): Promise<IdentityApp> {
  const db = await createTestDatabase(driver);
  await db.ds.destroy(); // the app opens its own connection to the migrated database
  const redis: Record<string, string> =
    driver === 'mysql'
      ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:identity:${process.pid}:${Date.now()}:${Math.random()}:` }
      : {};
  const config = testConfig(
    {
      JWT_SECRET,
      TRUST_PROXY: '1',
      ADMIN_BOOTSTRAP_USERNAME: 'root',
      ADMIN_BOOTSTRAP_PASSWORD: 'Bootstrap-Pass-1',
      ...redis,
      ...options.env,
    },
    db.config,
  );
  const sms = new RecordingSmsSender();
  const clock = new TestClock();
  const jwt = new JwtService(config.auth.jwtSecret, config.auth.jwtTtlSeconds);
  const backend = await buildBackend(config, {
    modules: async (ctx) => [
      createAuthModule(ctx, { jwt, users: new UsersRepository(), sms, clock: clock.now, policy: options.policy }),
      await createAdminAuthModule(ctx, { jwt, policy: { bcryptRounds: 4 } }),
      probeModule(ctx.openapi, jwt),
    ],
  });
  return {
    backend,
    db,
    sms,
    clock,
    jwt,
    close: async () => {
      await backend.close();
      await db.drop();
    },
  };
}

let seq = 0;
/** A phone number and a client address no other test of the file uses. */
export function freshClient(): { phone: string; ip: string } {
  seq += 1;
  return { phone: `139${String(seq).padStart(8, '0')}`, ip: `10.${Math.floor(seq / 250) % 250}.${seq % 250}.7` };
}
