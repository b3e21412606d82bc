import { randomUUID } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { MemoryKeyValueStore } from '../../../infra/kv';
import { createLogger } from '../../../infra/logger';
import { Metrics } from '../../../infra/metrics';
import { toDbTime } from '../../../db/time';
import { errorHandler } from '../../../http/error-middleware';
import { createOpenApiRegistry } from '../../../openapi/registry';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig } from '../../../testing/test-config';
import type { AppContext } from '../../../app-context';
import { JwtService } from '../../auth/jwt.service';
import { TaskTypesService } from '../../task-types/task-types.service';
import { TasksRepository } from '../../tasks/tasks.repository';
import { UsersRepository } from '../../users/users.repository';
import { createAdminTasksModule } from '../admin-tasks.module';

describe.each(drivers)('admin task monitor and stats on %s', (driver) => {
  let db: TestDatabase;
  let app: express.Express;
  const jwt = new JwtService('admin-tasks-test-secret-000', 3600);
  const admin = jwt.sign('aiphoto-admin', { sub: randomUUID(), username: 'root', role: 'admin' });
  const operator = jwt.sign('aiphoto-admin', { sub: randomUUID(), username: 'op', role: 'operator' });
  let userId = '';
  let doneId = '';

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    const ctx = {
      config: testConfig(
        { N8N_BASE_URL: 'http://127.0.0.1:5678', N8N_EDITOR_URL: 'https://n8n.ops.example/' },
        db.config,
      ),
      logger: createLogger('silent'),
      db: db.ds,
      kv: new MemoryKeyValueStore(),
      metrics: new Metrics(),
      openapi: createOpenApiRegistry(),
      firstStart: {},
      onClose: () => undefined,
    } satisfies AppContext;
    app = express()
      .use(createAdminTasksModule(ctx, { jwt, urls: { signedUrl: (k) => `http://signed/${k}` } }).router!)
      .use(errorHandler);
    const user = await new UsersRepository().findOrCreateUser(db.ds.manager, '13800000042');
    userId = user.id;
    const tasks = new TasksRepository();
    const types = new TaskTypesService(db.ds);
    const now = new Date();
    const base = {
      userId,
      inputs: { garment: { key: `input/${userId}/a.jpg` } },
      batchId: randomUUID(),
      inputKey: `input/${userId}/a.jpg`,
      params: { scene: 'studio' },
      deadlineAt: now,
      clientKey: null,
      cacheKey: null,
      progress: 0,
    };
    doneId = randomUUID();
    await tasks.insert(
      db.ds.manager,
      {
        ...base,
        id: doneId,
        type: 'basic_clean',
        inputName: '白T恤.jpg',
        typeDef: await types.forCreate('basic_clean'),
        status: 'done',
        resultKeys: [`output/${userId}/${doneId}/main.jpg`],
      },
      now,
    );
    await tasks.insert(
      db.ds.manager,
      {
        ...base,
        id: randomUUID(),
        type: 'model_pose12',
        typeDef: await types.forCreate('model_pose12'),
        status: 'failed',
        resultKeys: null,
      },
      now,
    );
    await tasks.insert(
      db.ds.manager,
      {
        ...base,
        id: randomUUID(),
        type: 'model_pose12',
        typeDef: await types.forCreate('model_pose12'),
        status: 'done',
        resultKeys: [],
      },
      now,
    );
    await db.ds.query(
      "INSERT INTO orders (id, user_id, plan_id, amount_fen, channel, status, out_trade_no, transaction_id, created_at, paid_at, updated_at) VALUES (?, ?, 'monthly', 9900, 'sandbox', 'paid', ?, ?, ?, ?, ?)",
      [randomUUID(), userId, 'OTN1', 'TX1', toDbTime(now), toDbTime(now), toDbTime(now)],
    );
  });
  afterAll(() => db.drop());

  it('lists every merchant task with filters for admins and operators', async () => {
    const all = await request(app).get('/api/v1/admin/tasks').set('Authorization', `Bearer ${operator}`).expect(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items[0]).toMatchObject({ phone: '13800000042', userId });
    const failed = await request(app)
      .get('/api/v1/admin/tasks')
      .query({ status: 'failed', phone: '0042' })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(failed.body.items.map((t: { type: string }) => t.type)).toEqual(['model_pose12']);
    const detail = await request(app)
      .get(`/api/v1/admin/tasks/${doneId}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(detail.body.resultUrls).toEqual([`http://signed/output/${userId}/${doneId}/main.jpg`]);
    // The upload's original file name, for staff to recognise the photo (null when unknown).
    expect(detail.body.inputName).toBe('白T恤.jpg');
    const names = new Map(
      (all.body.items as Array<{ id: string; inputName: string | null }>).map((t) => [t.id, t.inputName]),
    );
    expect(names.get(doneId)).toBe('白T恤.jpg');
    expect([...names.values()].filter((n) => n === null)).toHaveLength(2);
    await request(app).get('/api/v1/admin/tasks/nope').set('Authorization', `Bearer ${admin}`).expect(404);
  });

  it('links a task to the n8n execution that reported on it, on the configured editor URL', async () => {
    const tasks = new TasksRepository();
    const detail = () =>
      request(app).get(`/api/v1/admin/tasks/${doneId}`).set('Authorization', `Bearer ${operator}`).expect(200);
    expect((await detail()).body).toMatchObject({ n8nExecutionId: null, n8nExecutionUrl: null });
    expect(await tasks.recordExecution(db.ds.manager, doneId, '123', 'wfClean')).toBe(true);
    // The first execution that names itself stays (a resent dispatch would be a second one).
    expect(await tasks.recordExecution(db.ds.manager, doneId, '124', 'wfClean')).toBe(false);
    expect((await detail()).body).toMatchObject({
      n8nExecutionId: '123',
      n8nWorkflowId: 'wfClean',
      n8nExecutionUrl: 'https://n8n.ops.example/workflow/wfClean/executions/123',
    });
    const config = await request(app)
      .get('/api/v1/admin/console-config')
      .set('Authorization', `Bearer ${operator}`)
      .expect(200);
    expect(config.body).toEqual({ n8nEditorUrl: 'https://n8n.ops.example' });
    await request(app).get('/api/v1/admin/console-config').expect(401);
  });

  it('gives admins the dashboard numbers and keeps operators out', async () => {
    const res = await request(app).get('/api/v1/admin/stats').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(res.body.users).toEqual({ total: 1, members: 0 });
    expect(res.body.orders).toEqual({ total: 1, paid: 1, revenueFen: 9900 });
    expect(res.body.tasks).toEqual({ basic_clean: { done: 1 }, model_pose12: { failed: 1, done: 1 } });
    expect(res.body.successRate).toBeCloseTo(2 / 3);
    expect(res.body.daily).toHaveLength(14);
    expect(res.body.daily[13]).toMatchObject({
      day: new Date().toISOString().slice(0, 10),
      tasks: 3,
      failed: 1,
      paidOrders: 1,
      revenueFen: 9900,
    });
    await request(app).get('/api/v1/admin/stats').set('Authorization', `Bearer ${operator}`).expect(403);
    await request(app).get('/api/v1/admin/tasks').expect(401);
  });
});
