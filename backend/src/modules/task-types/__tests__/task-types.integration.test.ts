import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startBackend, type RunningBackend } from '../../../bootstrap';
import { createDataSource } from '../../../db/data-source';
import { inTransaction } from '../../../db/transaction';
import { toDbTime } from '../../../db/time';
import { migrations } from '../../../db/migrations';
import { TaskTypes1732230500000 } from '../../../db/migrations/1732230500000-task-types';
import { VideoAlbum1732230815000 } from '../../../db/migrations/1732230815000-video-album';
import { ValidationError } from '../../../errors/app-error';
import { createEmptyDatabase, createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig } from '../../../testing/test-config';
import { ownPrefixMedia, readableUrls } from '../../../testing/fake-task-ports';
import { startFakeN8n } from '../../../testing/fake-n8n';
import { AdminUsersRepository } from '../../admin-auth/admin-auth.repository';
import { requireUser } from '../../auth/auth.middleware';
import { JwtService } from '../../auth/jwt.service';
import { LedgerService } from '../../ledger/ledger.service';
import { composeModelPose12Prompt, fillPromptTemplate } from '../../scenes/prompt-builder';
import { UsersRepository } from '../../users/users.repository';
import { createTasksModule } from '../../tasks/tasks.module';
import { signMessage } from '../../n8n/signed-message';
import { createTaskTypesModule } from '../task-types.module';
import { waitFor } from '../../../../../jest/wait-for';

const SECRET = 'task-types-integration-secret';

/** The seeded types of this test's interest, in their sort order. */
const SEEDED = ['basic_clean', 'model_pose12', 'video_album', 'fitting', 'travel'];

/** A two-slot product like virtual try-on, with a choice and a short text parameter. */
const TRY_ON = {
  key: 'try_on_test',
  name: { zh: '试衣测试', en: 'Try-on test' },
  description: { zh: '服装 + 模特照', en: 'Garment + model photo' },
  webhookPath: 'aiphoto-try-on-test',
  credits: 3,
  deadlineSeconds: 300,
  inputs: [
    { name: 'garment', kind: 'image', label: { zh: '服装', en: 'Garment' } },
    { name: 'model', kind: 'image', label: { zh: '模特', en: 'Model' } },
  ],
  params: [
    {
      name: 'count',
      kind: 'choice',
      label: { zh: '张数', en: 'Images' },
      options: [
        { value: '1', label: { zh: '1 张', en: '1' } },
        { value: '2', label: { zh: '2 张', en: '2' } },
      ],
      required: false,
      default: '1',
    },
    { name: 'note', kind: 'text', label: { zh: '备注', en: 'Note' }, required: false, maxLength: 10 },
  ],
  outputs: 2,
};

describe.each(drivers)('task types as data on %s', (driver) => {
  let db: TestDatabase;
  let n8n: Awaited<ReturnType<typeof startFakeN8n>>;
  let backend: RunningBackend;
  let ledger: LedgerService;
  let jwt: JwtService;
  let admin = '';
  /** Every ownership check of an input the tasks module asked for: [userId, key]. */
  const checkedInputs: Array<[string, string]> = [];

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    await db.ds.destroy();
    n8n = await startFakeN8n(SECRET);
    backend = await startBackend(
      testConfig(
        {
          N8N_BASE_URL: n8n.url,
          N8N_SHARED_SECRET: SECRET,
          OUTBOX_POLL_INTERVAL_MS: '50',
          OUTBOX_MAX_BACKOFF_MS: '100',
          TASK_WATCHDOG_INTERVAL_MS: '3600000',
        },
        db.config,
      ),
      {
        modules: async (ctx) => {
          jwt = new JwtService(ctx.config.auth.jwtSecret, 3600);
          ledger = new LedgerService(ctx.db);
          const tasks = createTasksModule(ctx, {
            ports: {
              ledger,
              membership: { ensureCurrent: (userId) => ledger.expire(userId) },
              media: {
                assertOwnedInput: async (userId, key) => {
                  checkedInputs.push([userId, key]);
                  return ownPrefixMedia.assertOwnedInput(userId, key);
                },
              },
              urls: readableUrls,
              scenes: {
                assertValid: async (scene) => {
                  if (scene !== undefined && scene !== 'studio') throw new ValidationError('unknown scene');
                },
                buildPrompt: async (scene, category, template) => `PROMPT(${template}|${scene}|${category})`,
                randomSeed: () => 7,
              },
              progress: { publish: async () => undefined },
            },
            requireUser: requireUser(jwt),
          });
          return [tasks, createTaskTypesModule(ctx, { jwt, tasks: tasks.api })];
        },
      },
    );
    const id = await new AdminUsersRepository().insert(backend.ctx.db.manager, {
      username: 'types-admin',
      passwordHash: 'unused',
      role: 'admin',
      now: new Date(),
    });
    admin = jwt.sign('aiphoto-admin', { sub: id, username: 'types-admin', role: 'admin' });
  });

  afterAll(async () => {
    await backend?.close();
    await n8n?.close();
    await db?.drop();
  });

  const api = () => request(backend.url);
  const asAdmin = (method: 'get' | 'post' | 'patch', path: string, token = admin) =>
    api()[method](path).set('Authorization', `Bearer ${token}`);

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
  const create = (token: string, body: object) =>
    api().post('/api/v1/tasks').set('Authorization', `Bearer ${token}`).send(body);
  const dispatchOf = async (taskId: string) =>
    (await waitFor(
      () => n8n.received.find((d) => d.body.taskId === taskId),
      (d) => d !== undefined,
    ))!;

  it('seeds the two original types and the video album; the public list hides workflow path, deadline and prompt', async () => {
    const res = await api().get('/api/v1/task-types').expect(200);
    const keys = res.body.items.map((t: { key: string }) => t.key);
    expect(keys.filter((k: string) => SEEDED.includes(k))).toEqual(SEEDED);
    expect(res.body.items[0]).toEqual({
      key: 'basic_clean',
      name: { zh: '白底主图', en: 'White-background image' },
      description: {
        zh: '自动抠图：淘宝/京东/拼多多尺寸、透明 PNG，可选留白与底色',
        en: 'Cut out for Taobao, JD or Pinduoduo sizes, or a transparent PNG; margin and background optional',
      },
      sampleImageUrl: null,
      credits: 1,
      outputs: 1,
      cacheable: true,
      inputs: [{ name: 'garment', kind: 'image', label: { zh: '服装图', en: 'Garment photo' } }],
      params: [
        expect.objectContaining({ name: 'preset', kind: 'choice', required: false, default: 'taobao_800x800' }),
        expect.objectContaining({ name: 'margin', kind: 'choice', required: false, default: '0' }),
        expect.objectContaining({ name: 'background', kind: 'choice', required: false, default: '#FFFFFF' }),
      ],
    });
    // Output presets (issue 15): every preset names its size, localized; backgrounds are #RRGGBB.
    const [preset, , background] = res.body.items[0].params as Array<{
      options: Array<{ value: string; label: { zh: string; en: string } }>;
    }>;
    expect(preset.options.map((o) => o.value)).toEqual([
      'taobao_800x800',
      'jd_800x800',
      'pdd_750x1000',
      'square_1000x1000',
      'portrait_900x1200',
      'transparent_800x800',
    ]);
    for (const o of preset.options) {
      const size = o.value.replace(/^.*_(\d+)x(\d+)$/, '$1×$2');
      expect([o.label.zh, o.label.en]).toEqual([expect.stringContaining(size), expect.stringContaining(size)]);
    }
    expect(background.options.every((o) => /^#[0-9A-F]{6}$/.test(o.value))).toBe(true);
    expect(res.body.items[1]).toMatchObject({
      key: 'model_pose12',
      credits: 1,
      outputs: 12,
      cacheable: false,
      params: [
        { name: 'scene', kind: 'scene', required: true },
        { name: 'category', kind: 'category', required: true },
      ],
    });
    expect(res.body.items.find((t: { key: string }) => t.key === 'video_album')).toEqual({
      key: 'video_album',
      name: { zh: '视频相册', en: 'Video album' },
      description: expect.objectContaining({ zh: expect.stringContaining('15 秒') }),
      sampleImageUrl: null,
      credits: 2,
      outputs: 1,
      cacheable: false,
      inputs: [{ name: 'source', kind: 'task', label: { zh: '图片来源任务', en: 'Source task' }, minResults: 2 }],
      params: [
        expect.objectContaining({
          name: 'music',
          kind: 'choice',
          required: false,
          default: 'none',
          options: [
            { value: 'none', label: { zh: '无音乐', en: 'No music' } },
            { value: 'calm', label: { zh: '舒缓', en: 'Calm' } },
            { value: 'bright', label: { zh: '轻快', en: 'Bright' } },
          ],
        }),
      ],
    });
    const seeded = (key: string) => res.body.items.find((t: { key: string }) => t.key === key);
    expect(seeded('fitting')).toMatchObject({
      outputs: 4,
      inputs: [
        { name: 'garment', kind: 'image' },
        { name: 'model', kind: 'image' },
      ],
      params: [{ name: 'count', kind: 'choice', required: false, default: '1' }],
    });
    expect(seeded('travel')).toMatchObject({
      outputs: 6,
      inputs: [{ name: 'garment', kind: 'image' }],
      params: [
        { name: 'scene', kind: 'scene', required: true },
        { name: 'count', kind: 'choice', default: '4' },
      ],
    });
    for (const secret of ['webhookPath', 'deadlineSeconds', 'promptTemplate', 'aiphoto-', 'front view', 'travel photo'])
      expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it("keeps model_pose12's prompt exactly as it was built in code", async () => {
    const row = (await asAdmin('get', '/api/v1/admin/task-types/model_pose12').expect(200)).body;
    expect(row).toMatchObject({ webhookPath: 'aiphoto-model-pose12', deadlineSeconds: 600, enabled: true });
    const fragments = { scene: 'urban street, natural light,', category: '模特穿着外套。' };
    expect(fillPromptTemplate(row.promptTemplate, fragments)).toBe(
      composeModelPose12Prompt(fragments.scene, fragments.category),
    );
  });

  it('lets admins only register and edit types, and refuses malformed definitions', async () => {
    await api().get('/api/v1/admin/task-types').expect(401);
    await api().post('/api/v1/admin/task-types').send(TRY_ON).expect(401);
    const created = await asAdmin('post', '/api/v1/admin/task-types').send(TRY_ON).expect(201);
    expect(created.body).toMatchObject({ key: 'try_on_test', enabled: true, cacheable: false, sort: 0 });
    expect((await asAdmin('post', '/api/v1/admin/task-types').send(TRY_ON).expect(409)).body.error.code).toBe(
      'TASK_TYPE_TAKEN',
    );
    const bad = [
      { ...TRY_ON, key: 'Bad Key' },
      { ...TRY_ON, key: 'no_inputs', inputs: [] },
      { ...TRY_ON, key: 'dupe_inputs', inputs: [TRY_ON.inputs[0], TRY_ON.inputs[0]] },
      { ...TRY_ON, key: 'choice_no_options', params: [{ name: 'c', kind: 'choice', label: TRY_ON.name }] },
      { ...TRY_ON, key: 'bad_placeholder', promptTemplate: '{scene} on the moon' },
      { ...TRY_ON, key: 'bad_path', webhookPath: '../admin' },
      { ...TRY_ON, key: 'seed_param', params: [{ name: 'seed', kind: 'text', label: TRY_ON.name }] },
    ];
    for (const body of bad) {
      const res = await asAdmin('post', '/api/v1/admin/task-types').send(body);
      expect([body.key, res.status, res.body.error?.code]).toEqual([body.key, 400, 'VALIDATION_FAILED']);
    }
    expect(
      (await asAdmin('patch', '/api/v1/admin/task-types/try_on_test').send({ promptTemplate: '{scene}' }).expect(400))
        .body.error.code,
    ).toBe('VALIDATION_FAILED');
    await asAdmin('patch', '/api/v1/admin/task-types/nope').send({ credits: 2 }).expect(404);
    const listed = (await api().get('/api/v1/task-types').expect(200)).body.items.map((t: { key: string }) => t.key);
    expect(listed.filter((k: string) => ['try_on_test', ...SEEDED].includes(k))).toEqual(['try_on_test', ...SEEDED]);
  });

  it('validates a create against the stored definition and dispatches every input to its workflow', async () => {
    const user = await member(20);
    const garment = (n: string) => `input/${user.id}/${n}.jpg`;
    const refused = [
      { inputKey: garment('g1') },
      { inputKey: garment('g1'), inputs: { model: garment('m'), extra: garment('x') } },
      { inputKey: garment('g1'), inputs: { model: garment('m') }, params: { count: '3' } },
      { inputKey: garment('g1'), inputs: { model: garment('m') }, params: { note: 'far too long a note' } },
      { inputKey: garment('g1'), inputs: { model: garment('m') }, params: { scene: 'studio' } },
      { inputKey: garment('g1'), inputs: { model: garment('m'), garment: garment('g2') } },
    ];
    for (const body of refused) {
      const res = await create(user.token, { type: 'try_on_test', ...body });
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    await create(user.token, {
      type: 'try_on_test',
      inputKey: garment('g1'),
      inputs: { model: 'input/other/m.jpg' },
    }).expect(404);
    expect((await ledger.checkInvariant(user.id)).balance).toBe(20);

    // Two garments on one model photo: two tasks, 3 credits each, the model slot shared.
    const res = await create(user.token, {
      type: 'try_on_test',
      inputKeys: [garment('g1'), garment('g2')],
      inputs: { model: garment('m') },
      params: { note: ' summer ' },
    }).expect(201);
    expect((await ledger.checkInvariant(user.id)).balance).toBe(14);
    const [first, second] = res.body.tasks;
    expect(first).toMatchObject({
      type: 'try_on_test',
      inputKey: garment('g1'),
      params: { count: '1', note: 'summer' },
      inputUrls: {
        garment: [`http://storage.test/${garment('g1')}?expires=1800`],
        model: [`http://storage.test/${garment('m')}?expires=1800`],
      },
      inputs: { garment: garment('g1'), model: garment('m') },
    });
    // A task names its inputs as a create request does: sending them back makes it again (retry).
    const again = await create(user.token, { type: 'try_on_test', inputs: first.inputs, params: first.params }).expect(
      201,
    );
    expect(again.body.tasks.map((t: { inputs: unknown }) => t.inputs)).toEqual([first.inputs]);
    expect((await ledger.checkInvariant(user.id)).balance).toBe(11);
    const dispatch = await dispatchOf(first.id);
    expect(dispatch.path).toBe('/webhook/aiphoto-try-on-test');
    expect(dispatch.body).toMatchObject({
      type: 'try_on_test',
      outputs: 2,
      params: { count: '1', note: 'summer' },
      inputs: {
        garment: { key: garment('g1'), url: expect.stringContaining(garment('g1')) },
        model: { key: garment('m'), url: expect.stringContaining(garment('m')) },
      },
    });
    expect(dispatch.body.prompt).toBeUndefined();
    expect((await dispatchOf(second.id)).body.inputs).toMatchObject({ garment: { key: garment('g2') } });
  });

  it('takes an own finished task with enough results as a `task` input (the video album)', async () => {
    const owner = await member(20);
    const stranger = await member(20);
    const pose = (
      await create(owner.token, {
        type: 'model_pose12',
        inputKey: `input/${owner.id}/g.jpg`,
        params: { scene: 'studio', category: 'dress' },
      }).expect(201)
    ).body.tasks[0];
    const album = (token: string, source: string, params: object = {}) =>
      create(token, { type: 'video_album', inputs: { source }, params });

    // Not finished yet: refused, nothing charged.
    const unfinished = await album(owner.token, pose.id).expect(400);
    expect(unfinished.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(unfinished.body.error.message).toContain('at least 2 results');
    expect((await ledger.checkInvariant(owner.id)).balance).toBe(19);

    const resultKeys = Array.from(
      { length: 12 },
      (_, i) => `output/${owner.id}/${pose.id}/${String(i + 1).padStart(2, '0')}.png`,
    );
    await dispatchOf(pose.id);
    const raw = JSON.stringify({ taskId: pose.id, event: 'done', resultKeys });
    await api()
      .post('/api/v1/internal/n8n/callback')
      .set('Content-Type', 'application/json')
      .set(signMessage(SECRET, 'callback', raw))
      .send(raw)
      .expect(200);

    // Another merchant's task does not exist for them, finished or not; no credit moves.
    expect((await album(stranger.token, pose.id).expect(404)).body.error.code).toBe('TASK_NOT_FOUND');
    expect((await album(stranger.token, 'not-a-task-id').expect(404)).body.error.code).toBe('TASK_NOT_FOUND');
    expect(await ledger.checkInvariant(stranger.id)).toMatchObject({ ok: true, balance: 20 });
    // One result is not an album (basic_clean gives one image).
    const single = (await create(owner.token, { type: 'basic_clean', inputKey: `input/${owner.id}/s.jpg` }).expect(201))
      .body.tasks[0];
    await dispatchOf(single.id);
    const rawSingle = JSON.stringify({
      taskId: single.id,
      event: 'done',
      resultKeys: [`output/${owner.id}/${single.id}/main.jpg`],
    });
    await api()
      .post('/api/v1/internal/n8n/callback')
      .set('Content-Type', 'application/json')
      .set(signMessage(SECRET, 'callback', rawSingle))
      .send(rawSingle)
      .expect(200);
    await album(owner.token, single.id).expect(400);
    await album(owner.token, pose.id, { music: 'jazz' }).expect(400);
    expect((await ledger.checkInvariant(owner.id)).balance).toBe(18);

    // The owner's finished 12 poses: charged the album's own price, dispatched with every result signed.
    const made = (await album(owner.token, pose.id, { music: 'calm' }).expect(201)).body.tasks[0];
    expect(made).toMatchObject({ type: 'video_album', params: { music: 'calm' } });
    expect(await ledger.checkInvariant(owner.id)).toMatchObject({ ok: true, balance: 16 });
    const dispatch = await dispatchOf(made.id);
    expect(dispatch.path).toBe('/webhook/aiphoto-video-album');
    expect(dispatch.body).toMatchObject({
      type: 'video_album',
      outputs: 1,
      params: { music: 'calm' },
      outputPrefix: `output/${owner.id}/${made.id}/`,
      inputs: {
        source: {
          taskId: pose.id,
          items: resultKeys.map((key) => ({
            key,
            url: expect.stringContaining(`http://storage.test/${key}?expires=`),
          })),
        },
      },
    });
    // Music is optional: the default applies.
    const plain = (await album(owner.token, pose.id).expect(201)).body.tasks[0];
    expect(plain.params).toEqual({ music: 'none' });
  });

  it('the seeded fitting type checks the ownership of both uploads before charging, and dispatches both', async () => {
    const owner = await member(5);
    const other = await member(5);
    const own = (n: string) => `input/${owner.id}/${n}.jpg`;
    const foreign = `input/${other.id}/model.jpg`;
    checkedInputs.length = 0;
    // Another merchant's photo in either slot: 404, nothing charged, no task.
    for (const inputs of [
      { garment: own('g'), model: foreign },
      { garment: foreign, model: own('m') },
    ]) {
      const res = await create(owner.token, { type: 'fitting', inputs, params: { count: '2' } });
      expect([JSON.stringify(inputs), res.status, res.body.error?.code]).toEqual([
        JSON.stringify(inputs),
        404,
        'INPUT_NOT_FOUND',
      ]);
    }
    // The model slot is required; a count outside the choices is refused.
    await create(owner.token, { type: 'fitting', inputKey: own('g') }).expect(400);
    await create(owner.token, {
      type: 'fitting',
      inputs: { garment: own('g'), model: own('m') },
      params: { count: '5' },
    }).expect(400);
    expect(await ledger.checkInvariant(owner.id)).toMatchObject({ ok: true, balance: 5 });

    checkedInputs.length = 0;
    const task = (
      await create(owner.token, {
        type: 'fitting',
        inputs: { garment: own('g'), model: own('m') },
        params: { count: '3' },
      }).expect(201)
    ).body.tasks[0];
    // Both slots were checked against the merchant's own uploads.
    expect(checkedInputs).toEqual(
      expect.arrayContaining([
        [owner.id, own('g')],
        [owner.id, own('m')],
      ]),
    );
    expect(await ledger.checkInvariant(owner.id)).toMatchObject({ ok: true, balance: 4 });
    const dispatch = await dispatchOf(task.id);
    expect(dispatch.path).toBe('/webhook/aiphoto-fitting');
    expect(dispatch.body).toMatchObject({
      type: 'fitting',
      outputs: 4,
      params: { count: '3' },
      inputs: {
        garment: { key: own('g'), url: `http://storage.test/${own('g')}?expires=3600` },
        model: { key: own('m'), url: `http://storage.test/${own('m')}?expires=3600` },
      },
    });
    expect(dispatch.body.prompt).toBeUndefined();
  });

  it('never changes a created task when its type is edited or disabled', async () => {
    const user = await member(10);
    n8n.setDown(true);
    let taskId = '';
    try {
      const res = await create(user.token, {
        type: 'try_on_test',
        inputs: { garment: `input/${user.id}/a.jpg`, model: `input/${user.id}/b.jpg` },
      }).expect(201);
      taskId = res.body.tasks[0].id;
      expect((await ledger.checkInvariant(user.id)).balance).toBe(7);
      await asAdmin('patch', '/api/v1/admin/task-types/try_on_test')
        .send({ webhookPath: 'aiphoto-elsewhere', credits: 9, outputs: 4, enabled: false })
        .expect(200);
    } finally {
      n8n.setDown(false);
    }
    const dispatch = await dispatchOf(taskId);
    expect(dispatch.path).toBe('/webhook/aiphoto-try-on-test');
    expect(dispatch.body.outputs).toBe(2);
    // Disabled: gone from the public list and refused for new tasks, while the old one lives on.
    const listed = (await api().get('/api/v1/task-types').expect(200)).body.items.map((t: { key: string }) => t.key);
    expect(listed).not.toContain('try_on_test');
    await create(user.token, {
      type: 'try_on_test',
      inputs: { garment: `input/${user.id}/a.jpg`, model: `input/${user.id}/b.jpg` },
    }).expect(400);
    await api().post(`/api/v1/tasks/${taskId}/cancel`).set('Authorization', `Bearer ${user.token}`).expect(200);
    // The refund is what was reserved (3), not the new price.
    expect(await ledger.checkInvariant(user.id)).toMatchObject({ ok: true, balance: 10 });
  });

  it('stores each distinct definition once, and a task shows its own in detail and list after an edit', async () => {
    const key = 'versioned_test';
    await asAdmin('post', '/api/v1/admin/task-types')
      .send({ ...TRY_ON, key, webhookPath: 'aiphoto-versioned-test' })
      .expect(201);
    const user = await member(20);
    const garment = (n: string) => `input/${user.id}/${n}.jpg`;
    const old = (
      await create(user.token, {
        type: key,
        inputKeys: [garment('v1'), garment('v2')],
        inputs: { model: garment('vm') },
        params: { note: 'summer' },
      }).expect(201)
    ).body.tasks as Array<{ id: string }>;
    // The edit drops `note`: tasks made before keep showing it, a task made after has no such parameter.
    await asAdmin('patch', `/api/v1/admin/task-types/${key}`)
      .send({ params: [TRY_ON.params[0]] })
      .expect(200);
    const later = (
      await create(user.token, { type: key, inputKey: garment('v3'), inputs: { model: garment('vm') } }).expect(201)
    ).body.tasks[0] as { id: string };

    const sql = backend.ctx.db;
    const versions = (await sql.query(
      'SELECT hash, definition FROM task_type_versions WHERE type = ? ORDER BY created_at',
      [key],
    )) as Array<{ hash: string; definition: string }>;
    expect(versions).toHaveLength(2);
    const pointers = new Map(
      (
        (await sql.query('SELECT id, type_version FROM tasks WHERE id IN (?, ?, ?)', [
          old[0].id,
          old[1].id,
          later.id,
        ])) as Array<{ id: string; type_version: string }>
      ).map((r) => [r.id, r.type_version]),
    );
    const paramsOf = (hash: string | undefined) =>
      (JSON.parse(versions.find((v) => v.hash === hash)!.definition) as { params: Array<{ name: string }> }).params.map(
        (p) => p.name,
      );
    expect(pointers.get(old[1].id)).toBe(pointers.get(old[0].id));
    expect(paramsOf(pointers.get(old[0].id))).toEqual(['count', 'note']);
    expect(paramsOf(pointers.get(later.id))).toEqual(['count']);
    // A task row no longer carries the definition itself.
    const [row] = (await sql.query('SELECT * FROM tasks WHERE id = ?', [later.id])) as Array<Record<string, unknown>>;
    expect(Object.keys(row)).not.toContain('type_def');

    const auth = { Authorization: `Bearer ${user.token}` };
    const detail = (await api().get(`/api/v1/tasks/${old[0].id}`).set(auth).expect(200)).body;
    expect(detail).toMatchObject({ params: { count: '1', note: 'summer' }, inputs: { model: garment('vm') } });
    const listed = (await api().get(`/api/v1/tasks?type=${key}`).set(auth).expect(200)).body.items as Array<{
      id: string;
      params: Record<string, string>;
      inputs: Record<string, string>;
    }>;
    const byId = new Map(listed.map((t) => [t.id, t]));
    expect(byId.get(old[1].id)).toMatchObject({
      params: { count: '1', note: 'summer' },
      inputs: { garment: garment('v2') },
    });
    expect(byId.get(later.id)?.params).toEqual({ count: '1' });
    expect(byId.get(later.id)?.inputs).toEqual({ garment: garment('v3'), model: garment('vm') });
    expect((await ledger.checkInvariant(user.id)).ok).toBe(true);
  });

  it('sends a type with a prompt template its own prompt and a seed', async () => {
    const definition = {
      ...TRY_ON,
      key: 'travel_test',
      webhookPath: 'aiphoto-travel-test',
      inputs: [TRY_ON.inputs[0]],
      params: [{ name: 'where', kind: 'scene', label: { zh: '场景', en: 'Scene' } }],
      promptTemplate: 'travelling, {scene}',
    };
    await asAdmin('post', '/api/v1/admin/task-types').send(definition).expect(201);
    const user = await member(3);
    await create(user.token, {
      type: 'travel_test',
      inputKey: `input/${user.id}/t.jpg`,
      params: { where: 'moon' },
    }).expect(400);
    const task = (
      await create(user.token, {
        type: 'travel_test',
        inputKey: `input/${user.id}/t.jpg`,
        params: { where: 'studio' },
      }).expect(201)
    ).body.tasks[0];
    expect(task.params).toEqual({ where: 'studio', seed: 7 });
    expect((await dispatchOf(task.id)).body).toMatchObject({
      prompt: 'PROMPT(travelling, {scene}|studio|undefined)',
      seed: 7,
      params: { where: 'studio' },
    });
  });
});

describe.each(drivers)('the task-types migration on %s', (driver) => {
  it('moves an overridden deadline into the seeded row and freezes existing tasks', async () => {
    const empty = await createEmptyDatabase(driver);
    const ds = createDataSource(empty.config);
    await ds.initialize();
    try {
      await ds.runMigrations();
      // Back to just before the task-types migration (undoing any later ones first).
      for (let i = migrations.indexOf(TaskTypes1732230500000); i < migrations.length; i++) await ds.undoLastMigration();
      const now = toDbTime(new Date());
      await ds.query('INSERT INTO settings (`key`, `value`, updated_at) VALUES (?, ?, ?)', [
        'task.deadline.model_pose12_seconds',
        '900',
        now,
      ]);
      const taskId = randomUUID();
      await ds.query(
        `INSERT INTO tasks (id, user_id, batch_id, type, status, input_key, params, progress, deadline_at, hidden,
                            favorite, created_at, updated_at)
         VALUES (?, ?, ?, 'model_pose12', 'done', 'input/u/a.jpg', '{}', 100, ?, 0, 0, ?, ?)`,
        [taskId, randomUUID(), randomUUID(), now, now, now],
      );
      await ds.runMigrations();
      const [row] = (await ds.query('SELECT deadline_seconds FROM task_types WHERE code = ?', [
        'model_pose12',
      ])) as Array<{
        deadline_seconds: number;
      }>;
      expect(Number(row.deadline_seconds)).toBe(900);
      expect(await ds.query('SELECT `key` FROM settings')).toEqual([]);
      // The frozen definition now lives in task_type_versions (migration 1732231021000).
      const [task] = (await ds.query(
        'SELECT v.definition AS type_def FROM tasks t JOIN task_type_versions v ON v.hash = t.type_version WHERE t.id = ?',
        [taskId],
      )) as Array<{ type_def: string }>;
      expect(JSON.parse(task.type_def)).toMatchObject({
        key: 'model_pose12',
        webhookPath: 'aiphoto-model-pose12',
        deadlineSeconds: 900,
        outputs: 12,
        inputs: [{ name: 'garment', kind: 'image' }],
      });
    } finally {
      await ds.destroy();
      await empty.drop();
    }
  }, 30_000);

  it('seeds the video album, and its undo removes only that row', async () => {
    const empty = await createEmptyDatabase(driver);
    const ds = createDataSource(empty.config);
    await ds.initialize();
    const codes = async () =>
      ((await ds.query('SELECT code FROM task_types ORDER BY sort, code')) as Array<{ code: string }>).map(
        (r) => r.code,
      );
    try {
      await ds.runMigrations();
      expect(await codes()).toContain('video_album');
      for (let i = migrations.indexOf(VideoAlbum1732230815000); i < migrations.length; i++)
        await ds.undoLastMigration();
      expect(await codes()).not.toContain('video_album');
      expect(await codes()).toEqual(expect.arrayContaining(['basic_clean', 'model_pose12']));
      await ds.runMigrations();
      const [row] = (await ds.query('SELECT credits, webhook_path, inputs FROM task_types WHERE code = ?', [
        'video_album',
      ])) as Array<{ credits: number; webhook_path: string; inputs: string }>;
      expect([Number(row.credits), row.webhook_path]).toEqual([2, 'aiphoto-video-album']);
      expect(JSON.parse(row.inputs)).toEqual([expect.objectContaining({ kind: 'task', minResults: 2 })]);
    } finally {
      await ds.destroy();
      await empty.drop();
    }
  }, 30_000);
});
