import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import pino from 'pino';
import request from 'supertest';
import { buildBackend } from '../../../bootstrap';
import { testConfig } from '../../../testing/test-config';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { JwtService } from '../../auth/jwt.service';
import { createAdminAuthModule } from '../admin-auth.module';

/** A logger whose every line is kept, to prove what never reaches the log. */
function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), text: () => lines.join('') };
}

describe.each(drivers)('first start without configured secrets on %s', (driver) => {
  let db: TestDatabase;
  let dataDir: string;
  const start = async (log = capturingLogger()) => {
    const config = testConfig(dataDir ? { DATA_DIR: dataDir } : {}, db.config);
    dataDir = config.dataDir;
    const jwtService = new JwtService(config.auth.jwtSecret, config.auth.jwtTtlSeconds);
    const backend = await buildBackend(config, {
      logger: log.logger,
      modules: async (ctx) => [await createAdminAuthModule(ctx, { jwt: jwtService, policy: { bcryptRounds: 4 } })],
    });
    return { backend, log };
  };

  beforeAll(async () => {
    db = await createTestDatabase(driver);
  });
  afterAll(() => db.drop());

  it('generates the first admin password once, never logs it, and refuses tokens forged with the old default secret', async () => {
    const first = await start();
    try {
      const admin = first.backend.ctx.firstStart.adminCredentials;
      expect(admin?.username).toBe('admin');
      const password = admin?.password ?? '';
      expect(password).toMatch(/^(?=.*[A-Za-z])(?=.*\d).{10,}$/);
      expect(password).not.toBe('Admin12345');
      expect(first.log.text()).toContain('first admin account created');
      expect(first.log.text()).not.toContain(password);

      const api = () => request(first.backend.app);
      const login = await api().post('/api/v1/admin/login').send({ username: 'admin', password }).expect(200);
      await api().post('/api/v1/admin/login').send({ username: 'admin', password: 'Admin12345' }).expect(401);
      await api().get('/api/v1/admin/me').set('Authorization', `Bearer ${login.body.token}`).expect(200);

      // What an attacker could sign with the secret printed in old copies of the repository.
      const forged = jwt.sign({ username: 'admin', role: 'admin' }, 'dev-only-jwt-secret-change-me', {
        algorithm: 'HS256',
        issuer: 'aiphoto',
        audience: 'aiphoto-admin',
        subject: login.body.admin.id as string,
        expiresIn: 3600,
      });
      const refused = await api().get('/api/v1/admin/me').set('Authorization', `Bearer ${forged}`).expect(401);
      expect(refused.body.error.code).toBe('INVALID_TOKEN');
      expect(first.log.text()).not.toContain(password);
    } finally {
      await first.backend.close();
    }

    // A restart on the same data folder: same signing secret, no new password, nothing to show.
    const second = await start();
    try {
      expect(second.backend.ctx.firstStart).toEqual({});
      const token = (
        await request(second.backend.app)
          .post('/api/v1/admin/login')
          .send({ username: 'admin', password: first.backend.ctx.firstStart.adminCredentials?.password })
          .expect(200)
      ).body.token as string;
      expect(second.backend.ctx.config.auth.jwtSecret).toBe(first.backend.ctx.config.auth.jwtSecret);
      await request(second.backend.app).get('/api/v1/admin/me').set('Authorization', `Bearer ${token}`).expect(200);
    } finally {
      await second.backend.close();
    }
  });
});
