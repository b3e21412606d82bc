import { createHash } from 'node:crypto';
import { toDbTime } from '../../../db/time';
import { drivers } from '../../../testing/test-db';
import { startAutomationApp, type AutomationApp } from './automation-harness';

describe.each(drivers)('API keys on %s', (driver) => {
  let app: AutomationApp;

  beforeAll(async () => {
    app = await startAutomationApp(driver);
  });
  afterAll(async () => {
    await app?.close();
  });

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const createKey = async (token: string, name = 'shop sync') =>
    (await app.api().post('/api/v1/api-keys').set(bearer(token)).send({ name }).expect(201)).body;
  const stored = async (id: string) =>
    (
      (await app.backend.ctx.db.query('SELECT * FROM api_keys WHERE id = ?', [id])) as Array<
        Record<string, string | null>
      >
    )[0];

  it('shows the key once and stores only its SHA-256', async () => {
    const user = await app.member(0);
    const created = await createKey(user.token);
    expect(created).toMatchObject({ name: 'shop sync', lastUsedAt: null, revokedAt: null });
    expect(created.key).toMatch(new RegExp(`^ak_${created.prefix}_[A-Za-z0-9_-]{43}$`));
    const row = await stored(created.id);
    expect(row.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(Object.values(row).some((v) => typeof v === 'string' && v.includes(created.key.slice(12)))).toBe(false);
    const list = await app.api().get('/api/v1/api-keys').set(bearer(user.token)).expect(200);
    expect(list.body.items).toEqual([
      {
        id: created.id,
        name: 'shop sync',
        prefix: created.prefix,
        lastUsedAt: null,
        revokedAt: null,
        createdAt: created.createdAt,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.key);
    await app.api().post('/api/v1/api-keys').set(bearer(user.token)).send({ name: '' }).expect(400);
  });

  it('creates a task end to end with an API key (Bearer or X-API-Key) and records the use once a minute', async () => {
    const user = await app.member(5);
    const { id, key } = await createKey(user.token);
    const res = await app
      .api()
      .post('/api/v1/tasks')
      .set(bearer(key))
      .send({ type: 'basic_clean', inputKey: `input/${user.id}/k1.jpg` })
      .expect(201);
    const task = res.body.tasks[0];
    expect(task.status).toBe('queued');
    expect((await app.ledger.checkInvariant(user.id)).balance).toBe(4);
    await app.dispatched(task.id);
    await app
      .callback({ taskId: task.id, event: 'done', resultKeys: [`output/${user.id}/${task.id}/main.jpg`] })
      .expect(200);
    const got = await app.api().get(`/api/v1/tasks/${task.id}`).set('X-API-Key', key).expect(200);
    expect(got.body).toMatchObject({ id: task.id, status: 'done' });

    const firstUse = (await stored(id)).last_used_at;
    expect(firstUse).not.toBeNull();
    await app.api().get('/api/v1/tasks').set(bearer(key)).expect(200);
    expect((await stored(id)).last_used_at).toBe(firstUse);
    // A minute later the next request records the use again.
    await app.backend.ctx.db.query('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [
      toDbTime(new Date(Date.now() - 61_000)),
      id,
    ]);
    await app.api().get('/api/v1/tasks').set(bearer(key)).expect(200);
    const listed = (await app.api().get('/api/v1/api-keys').set(bearer(user.token)).expect(200)).body.items[0];
    expect(Date.now() - Date.parse(listed.lastUsedAt)).toBeLessThan(10_000);
  });

  it('answers 401 for revoked and unknown keys', async () => {
    const user = await app.member(1);
    const { id, key } = await createKey(user.token);
    await app.api().get('/api/v1/tasks').set(bearer(key)).expect(200);
    await app.api().delete(`/api/v1/api-keys/${id}`).set(bearer(user.token)).expect(204);
    await app.api().delete(`/api/v1/api-keys/${id}`).set(bearer(user.token)).expect(204);
    for (const call of [
      app.api().get('/api/v1/tasks').set(bearer(key)),
      app.api().get('/api/v1/tasks').set('X-API-Key', key),
    ]) {
      expect((await call.expect(401)).body.error.code).toBe('INVALID_API_KEY');
    }
    expect(
      (
        await app
          .api()
          .get('/api/v1/tasks')
          .set(bearer(`${key.slice(0, -2)}xx`))
          .expect(401)
      ).body.error.code,
    ).toBe('INVALID_API_KEY');
    await app.api().get('/api/v1/tasks').set('X-API-Key', 'not-a-key').expect(401);
    const list = await app.api().get('/api/v1/api-keys').set(bearer(user.token)).expect(200);
    expect(list.body.items[0].revokedAt).not.toBeNull();
  });

  it('never lets an API key manage API keys', async () => {
    const user = await app.member(0);
    const { id, key } = await createKey(user.token);
    const calls = [
      app.api().post('/api/v1/api-keys').send({ name: 'minted' }),
      app.api().get('/api/v1/api-keys'),
      app.api().delete(`/api/v1/api-keys/${id}`),
    ];
    for (const [index, call] of calls.entries()) {
      const res = await (index % 2 ? call.set('X-API-Key', key) : call.set(bearer(key))).expect(403);
      expect(res.body.error.code).toBe('API_KEY_NOT_ALLOWED');
    }
    const rows = (await app.backend.ctx.db.query('SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ?', [
      user.id,
    ])) as Array<{ n: number | string }>;
    expect(Number(rows[0].n)).toBe(1);
    expect((await stored(id)).revoked_at).toBeNull();
  });

  it("keeps each merchant's keys to themselves", async () => {
    const owner = await app.member(1);
    const other = await app.member(1);
    const { id, key } = await createKey(owner.token);
    expect(
      (await app.api().delete(`/api/v1/api-keys/${id}`).set(bearer(other.token)).expect(404)).body.error.code,
    ).toBe('API_KEY_NOT_FOUND');
    expect((await app.api().get('/api/v1/api-keys').set(bearer(other.token)).expect(200)).body.items).toEqual([]);
    await app.api().get('/api/v1/tasks').set(bearer(key)).expect(200);
    // The key acts as its owner only: another merchant's task is not found through it.
    const theirs = (
      await app
        .api()
        .post('/api/v1/tasks')
        .set(bearer(other.token))
        .send({ type: 'basic_clean', inputKey: `input/${other.id}/o.jpg` })
        .expect(201)
    ).body.tasks[0];
    await app.api().get(`/api/v1/tasks/${theirs.id}`).set(bearer(key)).expect(404);
  });
});
