import { Writable } from 'node:stream';
import request from 'supertest';
import { buildBackend } from '../bootstrap';
import { createLogger } from '../infra/logger';
import { createTestDatabase, type TestDatabase } from '../testing/test-db';
import { testConfig } from '../testing/test-config';

describe('request logs', () => {
  let db: TestDatabase;
  let backend: Awaited<ReturnType<typeof buildBackend>>;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // Debug: outside production the line per request is logged at debug (config.http.requestLogLevel).
    backend = await buildBackend(testConfig({}, db.config), { logger: createLogger('debug', 'test', sink) });
  });
  afterAll(async () => {
    await backend.close();
    await db.drop();
  });

  it('never carry API keys, bearer tokens or cookies in clear', async () => {
    await request(backend.app)
      .get('/api/v1/tasks')
      .set('X-API-Key', 'ak_abcdef_the-secret-part-of-the-key')
      .set('Authorization', 'Bearer the-bearer-token-value')
      .set('Cookie', 'session=the-cookie-value')
      .expect(401);
    const logged = lines.join('');
    expect(logged).toContain('"x-api-key":"[redacted]"');
    for (const secret of ['the-secret-part-of-the-key', 'the-bearer-token-value', 'the-cookie-value']) {
      expect(logged).not.toContain(secret);
    }
  });
});
