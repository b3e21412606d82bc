import { drivers } from '../../../testing/test-db';
import { MAX_ACTIVE_KEYS } from '../api-keys.service';
import { MAX_ENDPOINTS } from '../webhooks.service';
import { startAutomationApp, type AutomationApp } from './automation-harness';

const PARALLEL = 12;

/**
 * The per-merchant caps hold under concurrency: with one slot left, PARALLEL simultaneous
 * creates through the API give exactly one new key (or endpoint) and PARALLEL−1 answers 409.
 * Counting and inserting without a lock let MariaDB's concurrent transactions all see the old
 * count (the SQLite run is serialized by the transaction queue and passes either way).
 */
describe.each(drivers)('API-key and webhook-endpoint caps under concurrency on %s', (driver) => {
  let app: AutomationApp;

  beforeAll(async () => {
    app = await startAutomationApp(driver);
  });
  afterAll(async () => app?.close());

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const count = async (sql: string, userId: string) =>
    Number(((await app.backend.ctx.db.query(sql, [userId])) as Array<{ n: number | string }>)[0].n);

  it(`${PARALLEL} parallel API-key creates at ${MAX_ACTIVE_KEYS - 1} active keys: exactly one succeeds`, async () => {
    const user = await app.member(0);
    for (let i = 0; i < MAX_ACTIVE_KEYS - 1; i++) await app.automation.apiKeys.create(user.id, `key ${i}`);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        app
          .api()
          .post('/api/v1/api-keys')
          .set(bearer(user.token))
          .send({ name: `racer ${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, ...Array(PARALLEL - 1).fill(409)]);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(
      Array(PARALLEL - 1).fill('API_KEY_LIMIT'),
    );
    expect(await count('SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ? AND revoked_at IS NULL', user.id)).toBe(
      MAX_ACTIVE_KEYS,
    );
  });

  it(`${PARALLEL} parallel webhook registrations at ${MAX_ENDPOINTS - 1} endpoints: exactly one succeeds`, async () => {
    const user = await app.member(0);
    const url = (i: number) => `http://127.0.0.1:9/hooks/${i}`;
    for (let i = 0; i < MAX_ENDPOINTS - 1; i++)
      await app.automation.webhooks.create({ userId: user.id }, { url: url(i) });
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        app
          .api()
          .post('/api/v1/webhooks')
          .set(bearer(user.token))
          .send({ url: url(100 + i) }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, ...Array(PARALLEL - 1).fill(409)]);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(
      Array(PARALLEL - 1).fill('WEBHOOK_LIMIT'),
    );
    expect(await count('SELECT COUNT(*) AS n FROM webhook_endpoints WHERE user_id = ?', user.id)).toBe(MAX_ENDPOINTS);
  });

  it('the caps are per merchant: a full merchant does not block another', async () => {
    const [full, other] = [await app.member(0), await app.member(0)];
    for (let i = 0; i < MAX_ACTIVE_KEYS; i++) await app.automation.apiKeys.create(full.id, `key ${i}`);
    const answers = await Promise.all([
      app.api().post('/api/v1/api-keys').set(bearer(full.token)).send({ name: 'one too many' }),
      app.api().post('/api/v1/api-keys').set(bearer(other.token)).send({ name: 'first' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([409, 201]);
  });
});
