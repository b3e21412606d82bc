import { randomUUID } from 'node:crypto';
import { drivers } from '../../../testing/test-db';
import { WebhookDeliveriesRepository } from '../webhook-deliveries.repository';
import { WebhookEndpointsRepository } from '../webhook-endpoints.repository';
import { WebhooksService } from '../webhooks.service';
import { startAutomationApp, startReceiver, type AutomationApp } from './automation-harness';
import { waitFor } from '../../../../../jest/wait-for';

describe.each(drivers)('webhooks on %s', (driver) => {
  let app: AutomationApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    app = await startAutomationApp(driver);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  /** Registers a receiver path for `user` and lets the receiver verify with the answered secret. */
  const endpoint = async (user: { token: string }, events?: string[], statuses: number[] = []) => {
    const path = receiver.newPath();
    receiver.script(path, statuses);
    const res = await app
      .api()
      .post('/api/v1/webhooks')
      .set(bearer(user.token))
      .send({ url: receiver.url(path), ...(events ? { events } : {}) })
      .expect(201);
    receiver.trust(path, res.body.secret);
    return { ...res.body, path } as { id: string; secret: string; events: string[]; path: string };
  };
  const deliveries = async (user: { token: string }, id: string) =>
    (await app.api().get(`/api/v1/webhooks/${id}/deliveries`).set(bearer(user.token)).expect(200)).body.items as Array<
      Record<string, unknown>
    >;
  const finishedTask = async (user: { id: string; token: string }, outcome: 'done' | 'failed') => {
    const task = (
      await app
        .api()
        .post('/api/v1/tasks')
        .set(bearer(user.token))
        .send({ type: 'basic_clean', inputKey: `input/${user.id}/${randomUUID()}.jpg` })
        .expect(201)
    ).body.tasks[0];
    await app.dispatched(task.id);
    const body =
      outcome === 'done'
        ? { resultKeys: [`output/${user.id}/${task.id}/main.jpg`] }
        : { error: { code: 'VENDOR_FAILED', message: 'no garment' } };
    await app.callback({ taskId: task.id, event: outcome, ...body }).expect(200);
    return task as { id: string };
  };

  it('registers an endpoint with every task event by default and never lists its secret', async () => {
    const user = await app.member(0);
    const created = await endpoint(user);
    expect(created.events).toEqual(['task.done', 'task.failed', 'task.canceled']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await app.api().get('/api/v1/webhooks').set(bearer(user.token)).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
    await app.api().post('/api/v1/webhooks').set(bearer(user.token)).send({ url: 'ftp://example.com/x' }).expect(400);
    await app
      .api()
      .post('/api/v1/webhooks')
      .set(bearer(user.token))
      .send({ url: receiver.url('/x'), events: ['task.started'] })
      .expect(400);
  });

  it('delivers exactly one signed task.done after a done callback', async () => {
    const user = await app.member(1);
    const hook = await endpoint(user);
    const task = await finishedTask(user, 'done');
    const [log] = await waitFor(
      () => deliveries(user, hook.id),
      (items) => items[0]?.status === 'delivered',
    );
    expect(log).toMatchObject({
      type: 'task.done',
      taskId: task.id,
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
    });
    await app.worker.runOnce(); // another pass finds nothing more to send
    const got = receiver.at(hook.path);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ standardOk: true, legacyOk: true });
    expect(got[0].headers).toMatchObject({
      'webhook-id': log.eventId,
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
      'x-aiphoto-event': 'task.done',
      'x-aiphoto-delivery': log.id,
    });
    expect(got[0].body).toMatchObject({
      id: log.eventId,
      type: 'task.done',
      data: { id: task.id, status: 'done', resultUrls: [expect.stringContaining('main.jpg')] },
    });
    expect(Date.parse(got[0].body.createdAt)).not.toBeNaN();
  });

  it('sends only the events an endpoint subscribed to', async () => {
    const user = await app.member(2);
    const failuresOnly = await endpoint(user, ['task.failed']);
    const all = await endpoint(user);
    await finishedTask(user, 'done');
    const failed = await finishedTask(user, 'failed');
    await waitFor(
      () => deliveries(user, all.id),
      (items) => items.length === 2 && items.every((d) => d.status === 'delivered'),
    );
    const [only] = await waitFor(
      () => deliveries(user, failuresOnly.id),
      (items) => items[0]?.status === 'delivered',
    );
    expect(only).toMatchObject({ type: 'task.failed', taskId: failed.id });
    expect(receiver.at(failuresOnly.path).map((r) => r.body.data?.errorCode)).toEqual(['VENDOR_FAILED']);
  });

  it('announces a task answered from the result cache (born done, never dispatched)', async () => {
    const user = await app.member(2);
    const hook = await endpoint(user);
    const inputKey = `input/${user.id}/same-bytes.jpg`;
    const first = (
      await app.api().post('/api/v1/tasks').set(bearer(user.token)).send({ type: 'basic_clean', inputKey }).expect(201)
    ).body.tasks[0];
    await app.dispatched(first.id);
    await app
      .callback({ taskId: first.id, event: 'done', resultKeys: [`output/${user.id}/${first.id}/main.jpg`] })
      .expect(200);
    const cached = (
      await app.api().post('/api/v1/tasks').set(bearer(user.token)).send({ type: 'basic_clean', inputKey }).expect(201)
    ).body.tasks[0];
    expect(cached.status).toBe('done');
    const items = await waitFor(
      () => deliveries(user, hook.id),
      (list) => list.length === 2 && list.every((d) => d.status === 'delivered'),
    );
    expect(items.map((d) => d.taskId).sort()).toEqual([first.id, cached.id].sort());
  });

  it('retries after a 500 and then succeeds, with the same event id', async () => {
    const user = await app.member(1);
    const hook = await endpoint(user, undefined, [500]);
    await finishedTask(user, 'done');
    const [log] = await waitFor(
      () => deliveries(user, hook.id),
      (items) => items[0]?.status === 'delivered',
    );
    expect(log).toMatchObject({ attempts: 2, lastStatusCode: 200 });
    const got = receiver.at(hook.path);
    expect(got.map((r) => r.body.id)).toEqual([log.eventId, log.eventId]);
    // Standard Webhooks: the same webhook-id on every attempt (the receiver's idempotency key).
    expect(got.map((r) => r.headers['webhook-id'])).toEqual([log.eventId, log.eventId]);
    expect(got.every((r) => r.standardOk && r.legacyOk)).toBe(true);
  });

  it('gives up after the last attempt and keeps the last error', async () => {
    const user = await app.member(1);
    const hook = await endpoint(user, undefined, [500, 502, 503, 200]);
    await finishedTask(user, 'done');
    const [log] = await waitFor(
      () => deliveries(user, hook.id),
      (items) => items[0]?.status === 'failed',
    );
    expect(log).toMatchObject({ attempts: 3, lastStatusCode: 503, nextAttemptAt: null });
    expect(log.lastError).toMatch(/503/);
    await app.worker.runOnce();
    expect(receiver.at(hook.path)).toHaveLength(3);
  });

  it('announces a cancel made with an API key', async () => {
    const user = await app.member(1);
    const hook = await endpoint(user, ['task.canceled']);
    const { key } = (await app.api().post('/api/v1/api-keys').set(bearer(user.token)).send({ name: 'erp' }).expect(201))
      .body;
    app.n8n.setDown(true);
    try {
      const task = (
        await app
          .api()
          .post('/api/v1/tasks')
          .set(bearer(key))
          .send({ type: 'basic_clean', inputKey: `input/${user.id}/c.jpg` })
          .expect(201)
      ).body.tasks[0];
      await app.api().post(`/api/v1/tasks/${task.id}/cancel`).set('X-API-Key', key).expect(200);
      const [log] = await waitFor(
        () => deliveries(user, hook.id),
        (items) => items[0]?.status === 'delivered',
      );
      expect(log).toMatchObject({ type: 'task.canceled', taskId: task.id });
    } finally {
      app.n8n.setDown(false);
    }
  });

  it('sends a signed ping on demand and logs failures without retrying them', async () => {
    const user = await app.member(0);
    const hook = await endpoint(user, undefined, [200, 500]);
    const ok = await app.api().post(`/api/v1/webhooks/${hook.id}/test`).set(bearer(user.token)).expect(200);
    expect(ok.body).toMatchObject({ type: 'ping', status: 'delivered', attempts: 1, lastStatusCode: 200 });
    const broken = await app.api().post(`/api/v1/webhooks/${hook.id}/test`).set(bearer(user.token)).expect(200);
    expect(broken.body).toMatchObject({ type: 'ping', status: 'failed', lastStatusCode: 500 });
    const got = receiver.at(hook.path);
    expect(got.map((r) => [r.body.type, r.standardOk, r.legacyOk])).toEqual([
      ['ping', true, true],
      ['ping', true, true],
    ]);
    expect(got[0].headers['webhook-id']).toBe(got[0].body.id);
    expect(got[0].body.data).toEqual({ endpointId: hook.id, message: 'AI Photo webhook test' });
    expect((await deliveries(user, hook.id)).map((d) => d.status)).toEqual(['failed', 'delivered']);
  });

  it("answers 404 for another merchant's endpoint and removes an endpoint with its log", async () => {
    const owner = await app.member(0);
    const other = await app.member(0);
    const hook = await endpoint(owner);
    for (const call of [
      app.api().get(`/api/v1/webhooks/${hook.id}/deliveries`),
      app.api().post(`/api/v1/webhooks/${hook.id}/test`),
      app.api().delete(`/api/v1/webhooks/${hook.id}`),
    ]) {
      expect((await call.set(bearer(other.token)).expect(404)).body.error.code).toBe('WEBHOOK_NOT_FOUND');
    }
    expect((await app.api().get('/api/v1/webhooks').set(bearer(other.token)).expect(200)).body.items).toEqual([]);
    expect(receiver.at(hook.path)).toHaveLength(0);
    await app.api().delete(`/api/v1/webhooks/${hook.id}`).set(bearer(owner.token)).expect(204);
    await app.api().get(`/api/v1/webhooks/${hook.id}/deliveries`).set(bearer(owner.token)).expect(404);
  });

  it('lets an API key register, read and remove only its own endpoints; revoking the key removes them', async () => {
    const user = await app.member(1);
    const portal = await endpoint(user);
    const key = async (name: string) =>
      (await app.api().post('/api/v1/api-keys').set(bearer(user.token)).send({ name }).expect(201)).body as {
        id: string;
        key: string;
        prefix: string;
      };
    const [n8n, erp] = [await key('n8n'), await key('erp')];
    const path = receiver.newPath();
    const made = await app
      .api()
      .post('/api/v1/webhooks')
      .set('X-API-Key', n8n.key)
      .send({ url: receiver.url(path), events: ['task.done'] })
      .expect(201);
    receiver.trust(path, made.body.secret);
    expect(made.body).toMatchObject({ apiKeyPrefix: n8n.prefix, events: ['task.done'] });
    const own = await app.api().get('/api/v1/webhooks').set(bearer(n8n.key)).expect(200);
    expect(own.body.items.map((e: { id: string }) => e.id)).toEqual([made.body.id]);
    await app.api().get(`/api/v1/webhooks/${made.body.id}`).set(bearer(n8n.key)).expect(200);
    // The portal's endpoint and another key's are out of this key's reach.
    for (const call of [
      app.api().get(`/api/v1/webhooks/${portal.id}`),
      app.api().delete(`/api/v1/webhooks/${portal.id}`),
      app.api().post(`/api/v1/webhooks/${portal.id}/test`),
      app.api().get(`/api/v1/webhooks/${portal.id}/deliveries`),
    ])
      expect((await call.set(bearer(n8n.key)).expect(404)).body.error.code).toBe('WEBHOOK_NOT_FOUND');
    expect((await app.api().get('/api/v1/webhooks').set(bearer(erp.key)).expect(200)).body.items).toEqual([]);
    await app.api().get(`/api/v1/webhooks/${made.body.id}`).set(bearer(erp.key)).expect(404);
    const all = await app.api().get('/api/v1/webhooks').set(bearer(user.token)).expect(200);
    expect(all.body.items.map((e: { apiKeyPrefix: string | null }) => e.apiKeyPrefix).sort()).toEqual(
      [n8n.prefix, null].sort(),
    );

    await finishedTask(user, 'done');
    await waitFor(
      () => receiver.at(path),
      (got) => got.length === 1,
    );
    expect(receiver.at(path)[0]).toMatchObject({ standardOk: true, body: { type: 'task.done' } });

    await app.api().delete(`/api/v1/api-keys/${n8n.id}`).set(bearer(user.token)).expect(204);
    const left = await app.api().get('/api/v1/webhooks').set(bearer(user.token)).expect(200);
    expect(left.body.items.map((e: { id: string }) => e.id)).toEqual([portal.id]);
    const logRows = (await app.backend.ctx.db.query(
      'SELECT COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?',
      [made.body.id],
    )) as Array<{ n: number | string }>;
    expect(Number(logRows[0].n)).toBe(0);
    await app.api().delete(`/api/v1/webhooks/${made.body.id}`).set(bearer(n8n.key)).expect(401);
  });

  it('refuses loopback and private addresses when they are not allowed', async () => {
    const user = await app.member(0);
    const strict = new WebhooksService(
      app.backend.ctx.db,
      new WebhookEndpointsRepository(),
      new WebhookDeliveriesRepository(),
      {
        ...app.backend.ctx.config.automation,
        allowPrivateUrls: false,
      },
    );
    for (const url of [
      'http://10.1.2.3/hook',
      'http://127.0.0.1:8080/',
      'http://[::1]/',
      'http://169.254.169.254/latest',
      'http://localhost/x',
      'http://[::ffff:192.168.0.1]/',
    ]) {
      await expect(strict.create({ userId: user.id }, { url })).rejects.toMatchObject({
        status: 400,
        code: 'WEBHOOK_URL_PRIVATE',
      });
    }
    await expect(strict.create({ userId: user.id }, { url: 'http://93.184.216.34/hook' })).resolves.toMatchObject({
      url: 'http://93.184.216.34/hook',
    });
  });
});
