import request from 'supertest';
import { buildBackend } from '../../../bootstrap';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig } from '../../../testing/test-config';
import { JwtService } from '../../auth/jwt.service';
import { UsersRepository } from '../../users/users.repository';
import { createMediaModule } from '../media.module';

type Backend = Awaited<ReturnType<typeof buildBackend>>;

const FORMATS = ['image/jpeg', 'image/png', 'image/webp'];

/**
 * `GET /api/v1/uploads/config` tells the portal how to upload: the sandbox default is the server
 * path, `UPLOAD_MODE=direct` switches the portal to STS + COS. Nothing here touches storage, so
 * no sandbox is started.
 */
describe.each(drivers)('upload mode on %s', (driver) => {
  let db: TestDatabase;
  const backends: Backend[] = [];
  const phone = `1370000${Math.floor(Math.random() * 9000 + 1000)}`;

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    await db.ds.destroy(); // each backend opens its own connection to the migrated database
  });

  afterAll(async () => {
    for (const b of backends) await b.close();
    await db?.drop();
  });

  /** A backend with only the media module, and a merchant token for it. */
  async function start(env: Record<string, string>): Promise<{ backend: Backend; token: string }> {
    const config = testConfig({ ...env, UPLOAD_MAX_BYTES: '5000000', UPLOAD_MAX_PIXELS: '12000000' }, db.config);
    const jwt = new JwtService(config.auth.jwtSecret, config.auth.jwtTtlSeconds);
    const backend = await buildBackend(config, { modules: async (ctx) => [createMediaModule(ctx, { jwt })] });
    backends.push(backend);
    const user = await new UsersRepository().findOrCreateUser(backend.ctx.db.manager, phone);
    return { backend, token: jwt.sign('aiphoto-merchant', { sub: user.id, phone }) };
  }

  it('answers server by default with the sandbox, with the size, pixel and format limits', async () => {
    const { backend, token } = await start({});
    const res = await request(backend.app)
      .get('/api/v1/uploads/config')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body).toEqual({ mode: 'server', maxBytes: 5_000_000, maxPixels: 12_000_000, formats: FORMATS });
    await request(backend.app).get('/api/v1/uploads/config').expect(401);
  });

  it('answers direct when UPLOAD_MODE=direct, and documents the route', async () => {
    const { backend, token } = await start({ UPLOAD_MODE: 'direct' });
    const res = await request(backend.app)
      .get('/api/v1/uploads/config')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body).toEqual({ mode: 'direct', maxBytes: 5_000_000, maxPixels: 12_000_000, formats: FORMATS });

    const doc = (await request(backend.app).get('/api/docs.json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
    };
    expect(doc.paths['/api/v1/uploads/config'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.schemas.UploadConfig.properties?.mode.enum).toEqual(['server', 'direct']);
  });
});
