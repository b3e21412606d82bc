import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startBackend, type RunningBackend } from '../../../bootstrap';
import { inTransaction } from '../../../db/transaction';
import { toDbTime } from '../../../db/time';
import { ValidationError } from '../../../errors/app-error';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig, testRedisUrl } from '../../../testing/test-config';
import { ownPrefixMedia, readableUrls } from '../../../testing/fake-task-ports';
import { startFakeN8n } from '../../../testing/fake-n8n';
import { requireUser } from '../../auth/auth.middleware';
import { JwtService } from '../../auth/jwt.service';
import { LedgerService } from '../../ledger/ledger.service';
import { signMessage } from '../../n8n/signed-message';
import { UsersRepository } from '../../users/users.repository';
import type { ProgressEvent, TaskPorts } from '../task-ports';
import { MERCHANT_FAILURE_MESSAGES } from '../task-failure';
import { createTasksModule, type TasksApi } from '../tasks.module';
import { waitFor } from '../../../../../jest/wait-for';

const SECRET = 'tasks-integration-shared-secret';
const SCENES = new Set(['studio', 'street']);
const CATEGORIES = new Set(['dress', 'coat']);

describe.each(drivers)('tasks on %s', (driver) => {
  let db: TestDatabase;
  let n8n: Awaited<ReturnType<typeof startFakeN8n>>;
  let backend: RunningBackend;
  let tasks: TasksApi;
  let ledger: LedgerService;
  let jwt: JwtService;
  const published: Array<{ userId: string; event: ProgressEvent }> = [];

  beforeAll(async () => {
    db = await createTestDatabase(driver, { poolSize: 20 });
    await db.ds.destroy();
    n8n = await startFakeN8n(SECRET);
    const overrides: Record<string, string> = {
      N8N_BASE_URL: n8n.url,
      N8N_SHARED_SECRET: SECRET,
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTBOX_MAX_BACKOFF_MS: '200',
      TASK_WATCHDOG_INTERVAL_MS: '3600000',
      DATABASE_POOL_SIZE: '20',
      ...(driver === 'mysql' ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:${randomUUID()}:` } : {}),
    };
    backend = await startBackend(
      testConfig(overrides, { ...db.config, ...(db.config.type === 'mysql' ? { poolSize: 20 } : {}) }),
      {
        modules: async (ctx) => {
          jwt = new JwtService(ctx.config.auth.jwtSecret, 3600);
          ledger = new LedgerService(ctx.db);
          const ports: TaskPorts = {
            ledger,
            // As MembershipService: a lapsed membership downgraded, then the account as it is now.
            membership: {
              ensureCurrent: async (userId) => {
                await ledger.expire(userId);
                const user = await new UsersRepository().findUser(ctx.db.manager, userId);
                return (
                  user && {
                    quotaRemaining: user.quotaRemaining,
                    isMember: user.isMember,
                    quotaExpireAt: user.quotaExpireAt,
                  }
                );
              },
            },
            media: ownPrefixMedia,
            urls: readableUrls,
            scenes: {
              assertValid: async (scene, category) => {
                if (
                  (scene !== undefined && !SCENES.has(scene)) ||
                  (category !== undefined && !CATEGORIES.has(category))
                )
                  throw new ValidationError('unknown scene or category');
              },
              buildPrompt: async (scene, category) => `SECRET-PROMPT ${scene} ${category}`,
              randomSeed: () => 123456789,
            },
            progress: { publish: async (userId, event) => void published.push({ userId, event }) },
          };
          // The ZIP writer answers the entries it was given, so a test sees what would be zipped.
          const module = createTasksModule(ctx, {
            ports,
            requireUser: requireUser(jwt),
            zip: async (res, fileName, entries) => {
              res.json({ fileName, entries });
            },
          });
          tasks = module.api;
          return [module];
        },
      },
    );
  });

  afterAll(async () => {
    await backend?.close();
    await n8n?.close();
    await db?.drop();
  });

  async function member(credits: number): Promise<{ id: string; token: string }> {
    const phone = `13${Math.floor(Math.random() * 1e9)
      .toString()
      .padStart(9, '0')}`;
    const user = await new UsersRepository().findOrCreateUser(backend.ctx.db.manager, phone);
    await inTransaction(backend.ctx.db, (tx) =>
      ledger.grant(tx, { orderId: randomUUID(), userId: user.id, credits, days: 30 }),
    );
    return { id: user.id, token: jwt.sign('aiphoto-merchant', { sub: user.id, phone }) };
  }

  const api = () => request(backend.url);
  const create = (token: string, body: object, key?: string) => {
    const req = api().post('/api/v1/tasks').set('Authorization', `Bearer ${token}`);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const balance = async (userId: string) => (await ledger.checkInvariant(userId)).balance;
  const callback = (body: object, secret = SECRET) => {
    const raw = JSON.stringify(body);
    return api()
      .post('/api/v1/internal/n8n/callback')
      .set('Content-Type', 'application/json')
      .set(signMessage(secret, 'callback', raw))
      .send(raw);
  };
  const dispatchOf = async (taskId: string) =>
    (await waitFor(
      () => n8n.received.find((d) => d.body.taskId === taskId),
      (d) => d !== undefined,
    ))!;

  it('creates a basic_clean task, reserves one credit and dispatches it signed to the workflow', async () => {
    const user = await member(10);
    const res = await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/aaa.jpg` }).expect(201);
    const task = res.body.tasks[0];
    expect(task).toMatchObject({
      type: 'basic_clean',
      status: 'queued',
      progress: 0,
      resultUrls: [],
      batchId: res.body.batchId,
      inputKey: `input/${user.id}/aaa.jpg`,
      inputUrl: `http://storage.test/input/${user.id}/aaa.jpg?expires=1800`,
    });
    expect(await balance(user.id)).toBe(9);
    const dispatch = await dispatchOf(task.id);
    expect(dispatch.path).toBe('/webhook/aiphoto-basic-clean');
    expect(dispatch.body).toMatchObject({
      taskId: task.id,
      userId: user.id,
      inputKey: `input/${user.id}/aaa.jpg`,
      outputPrefix: `output/${user.id}/${task.id}/`,
    });
    expect(dispatch.body.inputUrl).toMatch(/^http:\/\/storage\.test\/input\//);
    expect(dispatch.body.prompt).toBeUndefined();
    await waitFor(
      () => api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`),
      (r) => r.body.status === 'processing',
    );
  });

  it('closes a dispatched task’s row left pending (its sent update lost) without a second POST', async () => {
    const user = await member(5);
    const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/lost.jpg` }).expect(201))
      .body.tasks[0];
    await dispatchOf(task.id);
    const rowOf = async () =>
      (
        (await backend.ctx.db.query('SELECT id, status FROM outbox WHERE payload = ?', [
          JSON.stringify({ taskId: task.id }),
        ])) as Array<{ id: string; status: string }>
      )[0];
    await waitFor(rowOf, (r) => r?.status === 'sent');
    // As if the process died between marking the task processing and the row sent, and the lease ended.
    await inTransaction(backend.ctx.db, async (tx) => {
      await tx.query("UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE id = ?", [
        toDbTime(new Date(Date.now() - 1000)),
        (await rowOf()).id,
      ]);
    });
    await tasks.dispatcher.runOnce();
    expect((await rowOf()).status).toBe('sent');
    expect(n8n.received.filter((d) => d.body.taskId === task.id)).toHaveLength(1);
  });

  it('stores results from a signed done callback; duplicates, late failures and forgeries change nothing', async () => {
    const user = await member(5);
    const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/bbb.jpg` }).expect(201))
      .body.tasks[0];
    await dispatchOf(task.id);
    const key = `output/${user.id}/${task.id}/main.jpg`;
    expect((await callback({ taskId: task.id, event: 'progress', progress: 40 }).expect(200)).body).toEqual({
      ok: true,
      applied: true,
      status: 'processing',
    });
    expect((await callback({ taskId: task.id, event: 'done', resultKeys: [key] }).expect(200)).body.applied).toBe(true);
    expect((await callback({ taskId: task.id, event: 'done', resultKeys: [key] }).expect(200)).body.applied).toBe(
      false,
    );
    expect(
      (await callback({ taskId: task.id, event: 'failed', error: { message: 'late' } }).expect(200)).body.applied,
    ).toBe(false);
    await callback({ taskId: task.id, event: 'failed' }, 'forged-secret-xxxxxxxx').expect(401);
    const got = await api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(got.body).toMatchObject({
      status: 'done',
      progress: 100,
      resultUrls: [`http://storage.test/${key}?expires=1800`],
    });
    expect(await balance(user.id)).toBe(4);
    const events = await tasks.repository.events(backend.ctx.db.manager, task.id);
    expect(events.map((e) => `${e.event}:${e.outcome}`)).toEqual([
      'progress:applied',
      'done:applied',
      'done:ignored',
      'failed:ignored',
    ]);
    expect(published.some((p) => p.userId === user.id && p.event.taskId === task.id && p.event.status === 'done')).toBe(
      true,
    );
  });

  it('refunds once when the failure callback arrives twice', async () => {
    const user = await member(3);
    const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/ccc.jpg` }).expect(201))
      .body.tasks[0];
    await dispatchOf(task.id);
    expect(await balance(user.id)).toBe(2);
    const failure = {
      taskId: task.id,
      event: 'failed',
      error: { code: 'VENDOR_FAILED', message: 'CI could not find the garment' },
    };
    await Promise.all([callback(failure), callback(failure), callback(failure)]);
    const got = await api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(got.body).toMatchObject({
      status: 'failed',
      errorCode: 'VENDOR_FAILED',
      errorReason: MERCHANT_FAILURE_MESSAGES.VENDOR_FAILED,
    });
    const report = await ledger.checkInvariant(user.id);
    expect(report).toMatchObject({ ok: true, balance: 3 });
  });

  it('refuses done results outside the task folder and refunds', async () => {
    const user = await member(1);
    const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/ddd.jpg` }).expect(201))
      .body.tasks[0];
    await callback({ taskId: task.id, event: 'done', resultKeys: ['https://vendor.example/tmp/1.png'] }).expect(200);
    const got = await api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(got.body).toMatchObject({ status: 'failed', errorCode: 'INVALID_RESULT' });
    expect(await balance(user.id)).toBe(1);
  });

  it('sends model_pose12 with a server-built prompt and seed that clients never see', async () => {
    const user = await member(2);
    const res = await create(user.token, {
      type: 'model_pose12',
      inputKey: `input/${user.id}/eee.jpg`,
      params: { scene: 'studio', category: 'dress' },
    }).expect(201);
    const task = res.body.tasks[0];
    const dispatch = await dispatchOf(task.id);
    expect(dispatch.path).toBe('/webhook/aiphoto-model-pose12');
    expect(dispatch.body).toMatchObject({
      prompt: 'SECRET-PROMPT studio dress',
      seed: 123456789,
      params: { scene: 'studio', category: 'dress' },
    });
    const got = await api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(JSON.stringify(got.body)).not.toContain('SECRET-PROMPT');
    expect(got.body.params).toEqual({ scene: 'studio', category: 'dress', seed: 123456789 });
    await create(user.token, {
      type: 'model_pose12',
      inputKey: `input/${user.id}/eee.jpg`,
      params: { scene: 'moon', category: 'dress' },
    }).expect(400);
    await create(user.token, {
      type: 'model_pose12',
      inputKey: `input/${user.id}/eee.jpg`,
      params: { scene: 'studio', category: 'dress', prompt: 'x' },
    }).expect(400);
  });

  it('returns the same tasks for a repeated Idempotency-Key without a second charge', async () => {
    const user = await member(10);
    const body = { type: 'basic_clean', inputKeys: [`input/${user.id}/f1.jpg`, `input/${user.id}/f2.jpg`] };
    const [a, b] = await Promise.all([create(user.token, body, 'order-42'), create(user.token, body, 'order-42')]);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.batchId).toBe(a.body.batchId);
    expect(b.body.tasks.map((t: { id: string }) => t.id)).toEqual(a.body.tasks.map((t: { id: string }) => t.id));
    const again = await create(user.token, body, 'order-42').expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await balance(user.id)).toBe(8);
  });

  it('compares Idempotency-Keys exactly: `_` and `%` are characters, not patterns', async () => {
    const user = await member(10);
    const body = { type: 'basic_clean', inputKey: `input/${user.id}/k.jpg` };
    const first = await create(user.token, body, 'order_1').expect(201);
    const replay = await create(user.token, body, 'order_1').expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.batchId).toBe(first.body.batchId);
    // `_` as a LIKE wildcard would have matched order_1 here.
    const other = await create(user.token, body, 'orderX1').expect(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.body.batchId).not.toBe(first.body.batchId);
    expect(await balance(user.id)).toBe(8);

    // `%` cannot come through the route; the lookup itself must still treat it literally.
    const db = backend.ctx.db.manager;
    await db.query('UPDATE tasks SET client_key = ? WHERE id = ?', ['50%_off#0', first.body.tasks[0].id]);
    const found = (key: string) => tasks.repository.findByClientKeyPrefix(db, user.id, key);
    expect((await found('50%_off')).map((t) => t.id)).toEqual([first.body.tasks[0].id]);
    expect(await found('50%')).toEqual([]);
    expect(await found('50%Xoff')).toEqual([]);
    expect(await found('50%_OFF')).toEqual([]);
  });

  it('answers 409 TASK_NOT_DONE for the ZIP of an unfinished task, and the results once done', async () => {
    const user = await member(1);
    const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/zip.jpg` }).expect(201))
      .body.tasks[0];
    const download = () => api().get(`/api/v1/tasks/${task.id}/download`).set('Authorization', `Bearer ${user.token}`);
    const early = await download().expect(409);
    expect(early.body.error.code).toBe('TASK_NOT_DONE');
    const key = `output/${user.id}/${task.id}/main.jpg`;
    await callback({ taskId: task.id, event: 'done', resultKeys: [key] }).expect(200);
    // Named after the upload (the fake media names each upload after its key's file name).
    expect((await download().expect(200)).body).toEqual({
      fileName: 'zip.zip',
      entries: [{ name: 'zip_main.jpg', key }],
    });
  });

  it('names results after the input upload in the task, task ZIP and batch ZIP, never by storage key', async () => {
    const user = await member(100);
    const batch = (
      await create(user.token, {
        type: 'model_pose12',
        inputKeys: [`input/${user.id}/连衣裙.jpg`, `input/${user.id}/连衣裙.jpg`, `input/${user.id}/coat.png`],
        params: { scene: 'studio', category: 'dress' },
      }).expect(201)
    ).body;
    expect(batch.tasks.map((t: { inputName: string }) => t.inputName)).toEqual([
      '连衣裙.jpg',
      '连衣裙.jpg',
      'coat.png',
    ]);
    const poses = (id: string) => [1, 2].map((n) => `output/${user.id}/${id}/0${n}.png`);
    for (const t of batch.tasks.slice(0, 2))
      await callback({ taskId: t.id, event: 'done', resultKeys: poses(t.id) }).expect(200);
    await callback({ taskId: batch.tasks[2].id, event: 'failed', error: { code: 'TIMEOUT' } }).expect(200);
    const get = (id: string) => api().get(`/api/v1/tasks/${id}`).set('Authorization', `Bearer ${user.token}`);
    expect((await get(batch.tasks[0].id).expect(200)).body.resultNames).toEqual([
      '连衣裙_pose01.png',
      '连衣裙_pose02.png',
    ]);
    expect((await get(batch.tasks[2].id).expect(200)).body.resultNames).toEqual([]);
    const zip = await api()
      .get(`/api/v1/batches/${batch.batchId}/download`)
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
    // Two inputs with one name: the second task's files get " (2)"; the failed task has none.
    expect(zip.body).toEqual({
      fileName: '连衣裙_+1.zip',
      entries: [
        { name: '连衣裙_pose01.png', key: poses(batch.tasks[0].id)[0] },
        { name: '连衣裙_pose02.png', key: poses(batch.tasks[0].id)[1] },
        { name: '连衣裙 (2)_pose01.png', key: poses(batch.tasks[1].id)[0] },
        { name: '连衣裙 (2)_pose02.png', key: poses(batch.tasks[1].id)[1] },
      ],
    });
    expect(JSON.stringify(zip.body.entries.map((e: { name: string }) => e.name))).not.toMatch(/output|\//);
  });

  it('says whose fault a failure was and stops offering Retry once a retry is done', async () => {
    const user = await member(100);
    // Failures on model_pose12 (the /metrics test counts basic_clean's), retries on basic_clean.
    const one = async (name: string, type = 'basic_clean') =>
      (
        await create(user.token, {
          type,
          inputKey: `input/${user.id}/${name}`,
          params: type === 'model_pose12' ? { scene: 'studio', category: 'dress' } : {},
        }).expect(201)
      ).body.tasks[0];
    const kinds: Record<string, string> = {
      VENDOR_FAILED: 'photo',
      CONTENT_REJECTED: 'photo',
      GENERATION_FAILED: 'service',
      TIMEOUT: 'service',
      INVALID_RESULT: 'service',
      SOMETHING_NEW: 'service',
    };
    const get = (id: string) => api().get(`/api/v1/tasks/${id}`).set('Authorization', `Bearer ${user.token}`);
    for (const [code, kind] of Object.entries(kinds)) {
      const task = await one(`${code.toLowerCase()}.jpg`, 'model_pose12');
      expect(task.failureKind).toBeNull();
      await callback({
        taskId: task.id,
        event: 'failed',
        error: { code, message: `RunningHub failedReason for cos://bucket/input/${user.id}/x.jpg` },
      }).expect(200);
      const failed = (await get(task.id).expect(200)).body;
      expect(failed).toMatchObject({
        status: 'failed',
        failureKind: kind,
        retry: null,
        inputName: `${code.toLowerCase()}.jpg`,
      });
      // The merchant's answer never carries the vendor's words or a storage path.
      expect(JSON.stringify(failed)).not.toMatch(/RunningHub|cos:\/\//i);
    }
    const failed = await one('retry-me.jpg');
    await callback({ taskId: failed.id, event: 'failed', error: { code: 'TIMEOUT' } }).expect(200);
    // Only an own failed task can be retried.
    const done = await one('fine.jpg');
    await callback({ taskId: done.id, event: 'done', resultKeys: [`output/${user.id}/${done.id}/main.jpg`] }).expect(
      200,
    );
    await create(user.token, {
      type: 'basic_clean',
      inputKey: `input/${user.id}/retry-me.jpg`,
      retryOf: done.id,
    }).expect(400);
    const other = await member(1);
    await create(other.token, { type: 'basic_clean', inputKey: `input/${other.id}/x.jpg`, retryOf: failed.id }).expect(
      400,
    );

    const retry = (
      await create(user.token, {
        type: 'basic_clean',
        inputKey: `input/${user.id}/retry-me.jpg`,
        retryOf: failed.id,
      }).expect(201)
    ).body.tasks[0];
    expect(retry.retryOf).toBe(failed.id);
    // While the retry runs it is linked, still unfinished (the dispatcher may have taken it already).
    const running = (await get(failed.id).expect(200)).body.retry;
    expect(running.id).toBe(retry.id);
    expect(['queued', 'processing']).toContain(running.status);
    await callback({ taskId: retry.id, event: 'done', resultKeys: [`output/${user.id}/${retry.id}/main.jpg`] }).expect(
      200,
    );
    expect((await get(failed.id).expect(200)).body.retry).toEqual({ id: retry.id, status: 'done' });
    const list = await api()
      .get('/api/v1/tasks?status=failed')
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
    expect(list.body.items.find((t: { id: string }) => t.id === failed.id).retry).toEqual({
      id: retry.id,
      status: 'done',
    });
    // The other merchant never sees the link.
    expect((await api().get(`/api/v1/tasks/${failed.id}`).set('Authorization', `Bearer ${other.token}`)).status).toBe(
      404,
    );
  });

  it('validates the request', async () => {
    const user = await member(60);
    await create(user.token, { type: 'nope', inputKey: `input/${user.id}/x.jpg` }).expect(400);
    await create(user.token, { type: 'basic_clean' }).expect(400);
    const tooMany = Array.from({ length: 51 }, (_, i) => `input/${user.id}/${i}.jpg`);
    expect((await create(user.token, { type: 'basic_clean', inputKeys: tooMany }).expect(400)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    await create(user.token, { type: 'basic_clean', inputKey: 'input/someone-else/x.jpg' }).expect(404);
    await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/x.jpg` }, 'bad key with spaces').expect(
      400,
    );
    await api().post('/api/v1/tasks').send({ type: 'basic_clean', inputKey: 'x' }).expect(401);
    expect(await balance(user.id)).toBe(60);
  });

  it('cancels with a refund; a late done is ignored and a second cancel is a conflict', async () => {
    n8n.setDown(true);
    try {
      const user = await member(2);
      const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/g.jpg` }).expect(201))
        .body.tasks[0];
      const canceled = await api()
        .post(`/api/v1/tasks/${task.id}/cancel`)
        .set('Authorization', `Bearer ${user.token}`)
        .expect(200);
      expect(canceled.body).toMatchObject({ status: 'canceled', errorCode: 'CANCELED' });
      expect(await balance(user.id)).toBe(2);
      await callback({ taskId: task.id, event: 'done', resultKeys: [`output/${user.id}/${task.id}/main.jpg`] }).expect(
        200,
      );
      expect(
        (await api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`)).body.status,
      ).toBe('canceled');
      expect(
        (await api().post(`/api/v1/tasks/${task.id}/cancel`).set('Authorization', `Bearer ${user.token}`).expect(409))
          .body.error.code,
      ).toBe('TASK_ALREADY_FINISHED');
    } finally {
      n8n.setDown(false);
    }
  });

  it("never shows one merchant another merchant's task", async () => {
    const owner = await member(1);
    const other = await member(1);
    const task = (await create(owner.token, { type: 'basic_clean', inputKey: `input/${owner.id}/h.jpg` }).expect(201))
      .body.tasks[0];
    for (const call of [
      api().get(`/api/v1/tasks/${task.id}`),
      api().post(`/api/v1/tasks/${task.id}/cancel`),
      api().delete(`/api/v1/tasks/${task.id}`),
      api().get(`/api/v1/batches/${task.batchId}`),
    ]) {
      expect((await call.set('Authorization', `Bearer ${other.token}`).expect(404)).body.error.code).toMatch(
        /NOT_FOUND/,
      );
    }
    const list = await api().get('/api/v1/tasks').set('Authorization', `Bearer ${other.token}`).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('keeps tasks while n8n is down and delivers them once it is back', async () => {
    n8n.setDown(true);
    const user = await member(1);
    const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/i.jpg` }).expect(201))
      .body.tasks[0];
    const rows = await waitFor(
      () =>
        backend.ctx.db.query('SELECT attempts, last_error FROM outbox WHERE payload LIKE ?', [
          `%${task.id}%`,
        ]) as Promise<Array<{ attempts: number; last_error: string | null }>>,
      (r) => r[0]?.attempts >= 2,
    );
    expect(rows[0].last_error).toMatch(/503/);
    expect((await api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`)).body.status).toBe(
      'queued',
    );
    n8n.setDown(false);
    await dispatchOf(task.id);
    await waitFor(
      () => api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`),
      (r) => r.body.status === 'processing',
    );
    expect(n8n.received.filter((d) => d.body.taskId === task.id)).toHaveLength(1);
  });

  it('fails overdue tasks with TIMEOUT and a refund, even if n8n never answers', async () => {
    const user = await member(1);
    const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/j.jpg` }).expect(201))
      .body.tasks[0];
    await backend.ctx.db.query('UPDATE tasks SET deadline_at = ? WHERE id = ?', [
      toDbTime(new Date(Date.now() - 1000)),
      task.id,
    ]);
    expect(await tasks.settlement.failOverdue()).toBeGreaterThanOrEqual(1);
    const got = await api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`).expect(200);
    expect(got.body).toMatchObject({ status: 'failed', errorCode: 'TIMEOUT' });
    expect(await balance(user.id)).toBe(1);
    await callback({ taskId: task.id, event: 'done', resultKeys: [`output/${user.id}/${task.id}/main.jpg`] }).expect(
      200,
    );
    expect((await api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${user.token}`)).body.status).toBe(
      'failed',
    );
  });

  it('answers the same basic_clean input from stored results without a vendor call, charged like any task', async () => {
    const user = await member(2);
    const inputKey = `input/${user.id}/samebytes.jpg`;
    const first = (await create(user.token, { type: 'basic_clean', inputKey }).expect(201)).body.tasks[0];
    await dispatchOf(first.id);
    const key = `output/${user.id}/${first.id}/main.jpg`;
    await callback({ taskId: first.id, event: 'done', resultKeys: [key] }).expect(200);
    const dispatchesBefore = n8n.received.length;
    const second = (await create(user.token, { type: 'basic_clean', inputKey }).expect(201)).body.tasks[0];
    expect(second).toMatchObject({
      status: 'done',
      progress: 100,
      resultUrls: [`http://storage.test/${key}?expires=1800`],
    });
    expect(second.id).not.toBe(first.id);
    expect(await balance(user.id)).toBe(0);
    // Nothing to dispatch: the only way to n8n is an outbox row, and the hit never wrote one.
    const queued = async (taskId: string) =>
      (await backend.ctx.db.query('SELECT id FROM outbox WHERE payload LIKE ?', [`%${taskId}%`])) as unknown[];
    expect(await queued(first.id)).toHaveLength(1);
    expect(await queued(second.id)).toHaveLength(0);
    expect(n8n.received.length).toBe(dispatchesBefore);
  });

  // A create answers its tasks as inserted, without reading them back: every column must come out
  // as the database gives it (times, JSON texts, defaults), queued or born done from the cache.
  it('answers created tasks exactly as a read of their rows gives them', async () => {
    const user = await member(4);
    const batch = await tasks.service.create(user.id, {
      type: 'basic_clean',
      inputKeys: [`input/${user.id}/as-read-1.jpg`, `input/${user.id}/as-read-2.jpg`],
      params: {},
      idempotencyKey: `as-read-${randomUUID()}`,
    });
    const ids = batch.tasks.map((t) => t.id);
    expect(batch.tasks).toEqual(await tasks.repository.findByIds(backend.ctx.db.manager, ids));
    await dispatchOf(ids[0]);
    await callback({
      taskId: ids[0],
      event: 'done',
      resultKeys: [`output/${user.id}/${ids[0]}/main.jpg`],
    }).expect(200);
    const hit = await tasks.service.create(user.id, {
      type: 'basic_clean',
      inputKeys: [`input/${user.id}/as-read-1.jpg`],
      params: {},
    });
    expect(hit.tasks[0]).toMatchObject({ status: 'done', progress: 100 });
    expect(hit.tasks).toEqual(await tasks.repository.findByIds(backend.ctx.db.manager, [hit.tasks[0].id]));
  });

  it('marks and unmarks favorites on own tasks only', async () => {
    const user = await member(1);
    const other = await member(1);
    const task = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/fav.jpg` }).expect(201))
      .body.tasks[0];
    const marked = await api()
      .post(`/api/v1/tasks/${task.id}/favorite`)
      .set('Authorization', `Bearer ${user.token}`)
      .send({})
      .expect(200);
    expect(marked.body.favorite).toBe(true);
    const unmarked = await api()
      .post(`/api/v1/tasks/${task.id}/favorite`)
      .set('Authorization', `Bearer ${user.token}`)
      .send({ favorite: false })
      .expect(200);
    expect(unmarked.body.favorite).toBe(false);
    await api()
      .post(`/api/v1/tasks/${task.id}/favorite`)
      .set('Authorization', `Bearer ${other.token}`)
      .send({})
      .expect(404);
  });

  // 200 requests against a 20-connection pool: seconds on a loaded 2-core machine, past jest's 5 s default.
  it('accepts exactly as many of 200 parallel creates as there are credits', async () => {
    const user = await member(10);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/p${i}.jpg` }),
      ),
    );
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c === 402)).toHaveLength(190);
    expect(results.find((r) => r.status === 402)!.body.error.code).toBe('QUOTA_EXHAUSTED');
    expect(await ledger.checkInvariant(user.id)).toMatchObject({ ok: true, balance: 0 });
    const accepted = results.filter((r) => r.status === 201).map((r) => r.body.tasks[0].id as string);
    for (const id of accepted) await dispatchOf(id);
  }, 60_000);

  // Creates arriving together all read the account before the first reserve commits, so the
  // early check passes them all; they then queue for the reserve in this process, and those whose
  // turn comes after the credits ran out are refused from what the last reserve committed.
  it('of 100 parallel creates on 10 credits, only the 10 accepted reach the reserve', async () => {
    const reserve = jest.spyOn(ledger, 'reserve');
    try {
      const user = await member(10);
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/q${i}.jpg` }),
        ),
      );
      const codes = results.map((r) => r.status);
      expect(codes.filter((c) => c === 201)).toHaveLength(10);
      expect(codes.filter((c) => c === 402)).toHaveLength(90);
      expect(new Set(results.filter((r) => r.status === 402).map((r) => r.body.error.code))).toEqual(
        new Set(['QUOTA_EXHAUSTED']),
      );
      expect(reserve).toHaveBeenCalledTimes(10);
      expect(await ledger.checkInvariant(user.id)).toMatchObject({ ok: true, balance: 0 });
      // Credits granted afterwards are spent by the next create: nothing stale is kept.
      await inTransaction(backend.ctx.db, (tx) =>
        ledger.grant(tx, { orderId: randomUUID(), userId: user.id, credits: 1, days: 30 }),
      );
      await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/q-after.jpg` }).expect(201);
      expect(await ledger.checkInvariant(user.id)).toMatchObject({ ok: true, balance: 0 });
    } finally {
      reserve.mockRestore();
    }
  }, 60_000);

  // A merchant with a membership lot and a pack lot, batches at once: each reserve spends the
  // soonest-ending lot first and must see what the previous reserve took from it, although the
  // create's transaction had read (its result cache) before it took the user lock.
  it('takes concurrent batches from several credit lots without a stale read of the lots', async () => {
    const user = await member(60);
    await inTransaction(backend.ctx.db, (tx) =>
      ledger.grantCredits(tx, {
        userId: user.id,
        key: `pack:${randomUUID()}`,
        credits: 200,
        source: 'pack',
        expiresAt: null,
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, b) =>
        create(user.token, {
          type: 'basic_clean',
          inputKeys: Array.from({ length: 25 }, (_, i) => `input/${user.id}/lots-${b}-${i}.jpg`),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(await ledger.checkInvariant(user.id)).toMatchObject({ ok: true, balance: 60 });
    const lots = await ledger.creditLots(user.id);
    expect(lots.reduce((sum, l) => sum + l.remaining, 0)).toBe(60);
  }, 60_000);

  it('refuses an account that plainly cannot pay before any transaction, and still charges exactly', async () => {
    const reserve = jest.spyOn(ledger, 'reserve');
    try {
      const empty = await member(1);
      await create(empty.token, { type: 'basic_clean', inputKey: `input/${empty.id}/e1.jpg` }).expect(201);
      expect(reserve).toHaveBeenCalledTimes(1);
      reserve.mockClear();
      // Now at 0: refused from the row membership just read, reserve never called.
      const zero = await create(empty.token, { type: 'basic_clean', inputKey: `input/${empty.id}/e2.jpg` }).expect(402);
      expect(zero.body.error.code).toBe('QUOTA_EXHAUSTED');
      // Two images on one credit: short for the whole batch, nothing taken.
      const one = await member(1);
      const short = await create(one.token, {
        type: 'basic_clean',
        inputKeys: [`input/${one.id}/s1.jpg`, `input/${one.id}/s2.jpg`],
      }).expect(402);
      expect(short.body.error.code).toBe('QUOTA_EXHAUSTED');
      // No membership at all: the same code reserve would give.
      const phone = `13${Math.floor(Math.random() * 1e9)
        .toString()
        .padStart(9, '0')}`;
      const stranger = await new UsersRepository().findOrCreateUser(backend.ctx.db.manager, phone);
      const token = jwt.sign('aiphoto-merchant', { sub: stranger.id, phone });
      const none = await create(token, { type: 'basic_clean', inputKey: `input/${stranger.id}/n.jpg` }).expect(402);
      expect(none.body.error.code).toBe('MEMBERSHIP_REQUIRED');
      expect(reserve).not.toHaveBeenCalled();
      // Exactly enough still goes through the locked reserve.
      await create(one.token, { type: 'basic_clean', inputKey: `input/${one.id}/s3.jpg` }).expect(201);
      expect(reserve).toHaveBeenCalledTimes(1);
      for (const user of [empty, one])
        expect(await ledger.checkInvariant(user.id)).toMatchObject({ ok: true, balance: 0 });
    } finally {
      reserve.mockRestore();
    }
  });

  it('counts tasks, dispatches and callbacks in /metrics', async () => {
    const text = (await api().get('/metrics').expect(200)).text;
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    expect(value('aiphoto_tasks_created_total{type="basic_clean"}')).toBeGreaterThan(10);
    expect(value('aiphoto_tasks_created_total{type="model_pose12"}')).toBeGreaterThanOrEqual(1);
    expect(value('aiphoto_tasks_finished_total{type="basic_clean",status="failed",code="VENDOR_FAILED"}')).toBe(1);
    expect(
      value('aiphoto_tasks_finished_total{type="basic_clean",status="failed",code="TIMEOUT"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value('aiphoto_tasks_finished_total{type="basic_clean",status="canceled",code="CANCELED"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(value('aiphoto_dispatch_attempts_total{outcome="sent"}')).toBeGreaterThan(10);
    expect(value('aiphoto_dispatch_attempts_total{outcome="retry"}')).toBeGreaterThanOrEqual(2);
    expect(value('aiphoto_n8n_callbacks_total{event="done",outcome="ignored"}')).toBeGreaterThanOrEqual(1);
    expect(value('aiphoto_n8n_callbacks_total{event="unknown",outcome="rejected"}')).toBeGreaterThanOrEqual(1);
  });

  it('pages the history newest first with filters', async () => {
    const user = await member(5);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/l${i}.jpg` }).expect(201)).body
          .tasks[0].id,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await api()
        .get('/api/v1/tasks')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', `Bearer ${user.token}`)
        .expect(200);
      seen.push(...page.body.items.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const none = await api()
      .get('/api/v1/tasks')
      .query({ type: 'model_pose12' })
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
    expect(none.body.items).toEqual([]);
    await api()
      .get('/api/v1/tasks')
      .query({ cursor: 'garbage' })
      .set('Authorization', `Bearer ${user.token}`)
      .expect(400);
    await api().delete(`/api/v1/tasks/${ids[0]}`).set('Authorization', `Bearer ${user.token}`).expect(204);
    const after = await api()
      .get('/api/v1/tasks')
      .query({ limit: 10 })
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
    expect(after.body.items.map((t: { id: string }) => t.id)).not.toContain(ids[0]);
  });

  it('lists the recent batches of the caller only, newest first, without hidden tasks', async () => {
    const user = await member(10);
    const other = await member(10);
    const batch = async (token: string, owner: string, n: number) =>
      (
        await create(token, {
          type: 'basic_clean',
          inputKeys: Array.from({ length: n }, (_, i) => `input/${owner}/b${n}-${i}.jpg`),
        }).expect(201)
      ).body as { batchId: string; tasks: Array<{ id: string }> };
    const first = await batch(user.token, user.id, 2);
    const second = await batch(user.token, user.id, 3);
    await batch(other.token, other.id, 1);
    const recent = (limit?: number) =>
      api()
        .get('/api/v1/batches')
        .query(limit ? { limit } : {})
        .set('Authorization', `Bearer ${user.token}`)
        .expect(200);
    const all = (await recent()).body.items as Array<{ batchId: string; tasks: Array<{ id: string }> }>;
    expect(all.map((b) => b.batchId)).toEqual([second.batchId, first.batchId]);
    expect(all[0].tasks.map((t) => t.id)).toEqual(second.tasks.map((t) => t.id));
    expect((await recent(1)).body.items.map((b: { batchId: string }) => b.batchId)).toEqual([second.batchId]);
    // A task hidden from the history leaves the batch; a batch with nothing left leaves the list.
    await api().delete(`/api/v1/tasks/${second.tasks[0].id}`).set('Authorization', `Bearer ${user.token}`).expect(204);
    expect((await recent()).body.items[0].tasks).toHaveLength(2);
    await api()
      .post('/api/v1/tasks/hide')
      .set('Authorization', `Bearer ${user.token}`)
      .send({ ids: first.tasks.map((t) => t.id) })
      .expect(200);
    expect((await recent()).body.items.map((b: { batchId: string }) => b.batchId)).toEqual([second.batchId]);
    await api().get('/api/v1/batches').query({ limit: 11 }).set('Authorization', `Bearer ${user.token}`).expect(400);
  });

  it("zips and hides many own tasks at once; another merchant's ids are left alone", async () => {
    const user = await member(10);
    const other = await member(10);
    const made = async (token: string, owner: string, n: number) =>
      (
        await create(token, {
          type: 'basic_clean',
          inputKeys: Array.from({ length: n }, (_, i) => `input/${owner}/m${i}.jpg`),
        }).expect(201)
      ).body.tasks.map((t: { id: string }) => t.id) as string[];
    const mine = await made(user.token, user.id, 3);
    const theirs = await made(other.token, other.id, 1);
    const done = async (owner: string, id: string) => {
      const key = `output/${owner}/${id}/main.jpg`;
      await callback({ taskId: id, event: 'done', resultKeys: [key] }).expect(200);
      return key;
    };
    const k0 = await done(user.id, mine[0]);
    const k1 = await done(user.id, mine[1]);
    await done(other.id, theirs[0]);
    const zip = (token: string, ids: string[]) =>
      api().post('/api/v1/tasks/download').set('Authorization', `Bearer ${token}`).send({ ids });

    // The upload names the merchant knows name the entries (two equal names stay apart).
    for (const id of mine)
      await backend.ctx.db.query('UPDATE tasks SET input_name = ? WHERE id = ?', ['白T恤.jpg', id]);
    // mine[2] is still queued: left out; the other merchant's finished task: left out too.
    const res = await zip(user.token, [...mine, theirs[0]]).expect(200);
    expect(res.body.fileName).toBe('白T恤_+1.zip');
    expect(res.body.entries).toEqual([
      { name: '白T恤_main.jpg', key: k0 },
      { name: '白T恤 (2)_main.jpg', key: k1 },
    ]);
    expect((await zip(user.token, theirs).expect(404)).body.error.code).toBe('TASK_NOT_FOUND');
    expect((await zip(user.token, [mine[2]]).expect(409)).body.error.code).toBe('TASK_NOT_DONE');
    const tooMany = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    expect((await zip(user.token, tooMany).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    await zip(user.token, []).expect(400);

    const hide = (token: string, ids: string[]) =>
      api().post('/api/v1/tasks/hide').set('Authorization', `Bearer ${token}`).send({ ids });
    expect((await hide(user.token, [mine[0], mine[1], theirs[0], 'no-such-task']).expect(200)).body).toEqual({
      hidden: 2,
    });
    // Hidden already: nothing more to hide.
    expect((await hide(user.token, [mine[0]]).expect(200)).body).toEqual({ hidden: 0 });
    const list = async (token: string) =>
      (
        await api().get('/api/v1/tasks').query({ limit: 100 }).set('Authorization', `Bearer ${token}`).expect(200)
      ).body.items.map((t: { id: string }) => t.id) as string[];
    expect(await list(user.token)).toEqual([mine[2]]);
    expect(await list(other.token)).toEqual(theirs);
    expect((await zip(user.token, [mine[0]]).expect(404)).body.error.code).toBe('TASK_NOT_FOUND');
    await api().post('/api/v1/tasks/hide').send({ ids: mine }).expect(401);
  });

  it('filters the history by favourite and by a date range through the API', async () => {
    const user = await member(5);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/f${i}.jpg` }).expect(201)).body
          .tasks[0].id,
      );
    await api()
      .post(`/api/v1/tasks/${ids[1]}/favorite`)
      .set('Authorization', `Bearer ${user.token}`)
      .send({ favorite: true })
      .expect(200);
    const get = (query: Record<string, string>) =>
      api().get('/api/v1/tasks').query(query).set('Authorization', `Bearer ${user.token}`);
    const idsOf = (res: request.Response) => res.body.items.map((t: { id: string }) => t.id) as string[];
    expect(idsOf(await get({ favorite: 'true' }).expect(200))).toEqual([ids[1]]);
    expect(idsOf(await get({ favorite: 'false' }).expect(200))).toEqual([...ids].reverse());
    const created = (await get({}).expect(200)).body.items.map((t: { createdAt: string }) => t.createdAt) as string[];
    const hour = 3600_000;
    const newest = new Date(created[0]).getTime();
    expect(idsOf(await get({ from: new Date(newest - hour).toISOString() }).expect(200))).toEqual([...ids].reverse());
    expect(idsOf(await get({ from: new Date(newest + hour).toISOString() }).expect(200))).toEqual([]);
    expect(idsOf(await get({ to: new Date(newest - hour).toISOString() }).expect(200))).toEqual([]);
    expect(
      idsOf(
        await get({
          from: new Date(newest - hour).toISOString(),
          to: new Date(newest + hour).toISOString(),
          favorite: 'true',
        }).expect(200),
      ),
    ).toEqual([ids[1]]);
    expect((await get({ from: 'yesterday' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('searches the history by part of the original file name, pattern characters taken literally', async () => {
    const user = await member(5);
    const other = await member(5);
    const names = ['白T恤-front.jpg', 'Summer_Dress.png', '50%off.jpg'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const id = (await create(user.token, { type: 'basic_clean', inputKey: `input/${user.id}/q${i}.jpg` }).expect(201))
        .body.tasks[0].id as string;
      await backend.ctx.db.query('UPDATE tasks SET input_name = ? WHERE id = ?', [name, id]);
      ids.push(id);
    }
    const theirs = (await create(other.token, { type: 'basic_clean', inputKey: `input/${other.id}/q.jpg` }).expect(201))
      .body.tasks[0].id as string;
    await backend.ctx.db.query('UPDATE tasks SET input_name = ? WHERE id = ?', ['白T恤-front.jpg', theirs]);
    const search = async (q: string) =>
      (
        await api().get('/api/v1/tasks').query({ q }).set('Authorization', `Bearer ${user.token}`).expect(200)
      ).body.items.map((t: { id: string }) => t.id) as string[];
    expect(await search('白T恤')).toEqual([ids[0]]);
    expect(await search('summer')).toEqual([ids[1]]);
    expect(await search('_')).toEqual([ids[1]]);
    expect(await search('%')).toEqual([ids[2]]);
    expect(await search('0%o')).toEqual([ids[2]]);
    expect(await search('nothing-like-it')).toEqual([]);
    expect(await search('  ')).toEqual([...ids].reverse());
  });
});
