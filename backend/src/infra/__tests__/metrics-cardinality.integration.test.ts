import request from 'supertest';
import { buildBackend } from '../../bootstrap';
import { createTestDatabase, type TestDatabase } from '../../testing/test-db';
import { testConfig } from '../../testing/test-config';

/**
 * /metrics must not grow with the URLs clients send: a malformed body to a random path, an
 * unknown path, and a rate-limited request all count under the fixed route `unmatched`.
 */
describe('HTTP metrics cardinality (whole app, SQLite)', () => {
  let db: TestDatabase;
  let backend: Awaited<ReturnType<typeof buildBackend>>;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    backend = await buildBackend(testConfig({ RATE_LIMIT_API_PER_15MIN: '5' }, db.config));
  });

  afterAll(async () => {
    await backend.close();
    await db.drop();
  });

  const unmatchedRound = async (i: number) => {
    await request(backend.app).post(`/api/v1/random-${i}`).set('Content-Type', 'application/json').send('{"a":');
    await request(backend.app).get(`/nowhere-${i}`);
    await request(backend.app).get(`/api/v1/tasks/by-${i}`);
  };
  const metricsText = async () => (await request(backend.app).get('/metrics').expect(200)).text;
  const httpSeries = (text: string) => text.split('\n').filter((line) => line.startsWith('aiphoto_http_'));

  it('keeps the same series however many distinct unmatched URLs arrive', async () => {
    // Past the /api/v1 limit, so 429s are among the answers too.
    for (let i = 0; i < 6; i++) await unmatchedRound(i);
    await metricsText(); // its own series (route="/metrics") shows from the next read on
    const before = httpSeries(await metricsText());
    for (let i = 6; i < 200; i++) await unmatchedRound(i);
    const text = await metricsText();
    expect(httpSeries(text)).toHaveLength(before.length);
    expect(text).toMatch(/aiphoto_http_requests_total\{method="POST",route="unmatched",status="400"\}/);
    expect(text).toMatch(/aiphoto_http_requests_total\{method="GET",route="unmatched",status="429"\}/);
    expect(text).not.toMatch(/random-|nowhere-|by-\d/);
  });
});
