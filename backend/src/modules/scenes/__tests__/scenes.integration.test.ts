import request from 'supertest';
import { buildBackend } from '../../../bootstrap';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { testConfig } from '../../../testing/test-config';
import { JwtService } from '../../auth/jwt.service';
import { publicParams } from '../../tasks/task-view';
import { PromptBuilder } from '../prompt-builder';
import { createScenesModule } from '../scenes.module';
import { ScenesService } from '../scenes.service';

type Backend = Awaited<ReturnType<typeof buildBackend>>;
interface AdminRow {
  id: string;
  code: string;
  name: string;
  category: string;
  promptFragment: string;
  active: boolean;
  sort: number;
}

describe.each(drivers)('the scene catalog on %s', (driver) => {
  let db: TestDatabase;
  let backend: Backend;
  let scenes: ScenesService;
  let jwt: JwtService;
  let adminToken: string;

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    await db.ds.destroy();
    const config = testConfig({}, db.config);
    jwt = new JwtService(config.auth.jwtSecret, 3600);
    adminToken = jwt.sign('aiphoto-admin', { sub: 'admin-1', username: 'root', role: 'admin' });
    backend = await buildBackend(config, {
      modules: async (ctx) => {
        // A thumbnail resolver like the storage module's: keys become loadable URLs.
        scenes = new ScenesService(ctx.db, undefined, (key) => `https://cdn.test/${key}`);
        return [createScenesModule(ctx, { scenes, jwt })];
      },
    });
  });

  afterAll(async () => {
    await backend.close();
    await db.drop();
  });

  const adminList = async (): Promise<AdminRow[]> =>
    (await request(backend.app).get('/api/v1/admin/scenes').set('Authorization', `Bearer ${adminToken}`).expect(200))
      .body.items;

  it('is seeded with the scenes (four backdrops, four travel destinations) and the garment categories, sorted, named in both languages, without prompt text', async () => {
    const res = await request(backend.app).get('/api/v1/scenes').expect(200);
    expect(res.body.scenes.map((s: { code: string }) => s.code)).toEqual([
      'street',
      'studio',
      'indoor',
      'garden',
      'seaside',
      'old_town',
      'snow_mountain',
      'city_landmark',
    ]);
    expect(res.body.scenes[0]).toMatchObject({ code: 'street', name: '街拍', nameEn: 'Street' });
    expect(res.body.scenes.find((s: { code: string }) => s.code === 'seaside')).toMatchObject({
      name: '海边度假',
      nameEn: 'Seaside holiday',
    });
    expect(res.body.categories.find((c: { code: string }) => c.code === 'dress')).toEqual({
      code: 'dress',
      name: '连衣裙',
      nameEn: 'Dress',
    });
    expect(res.body.categories.map((c: { code: string }) => c.code)).toEqual(
      expect.arrayContaining(['shoes', 'dress', 'hoodie', 'coat', 'tshirt', 'pants']),
    );
    for (const entry of [...res.body.scenes, ...res.body.categories]) {
      expect(Object.keys(entry).sort()).toEqual(expect.arrayContaining(['code', 'name']));
      expect(Object.keys(entry).every((k) => ['code', 'name', 'nameEn', 'thumbnailUrl'].includes(k))).toBe(true);
      expect(entry.nameEn).toMatch(/^[A-Z][A-Za-z -]+$/); // every seeded entry has its English name
    }
    const body = JSON.stringify(res.body);
    const fragments = (await adminList()).map((row) => row.promptFragment);
    expect(fragments.length).toBeGreaterThanOrEqual(10);
    for (const fragment of fragments) expect(body).not.toContain(fragment);
    expect(body).not.toMatch(/prompt|fragment|commercial quality/i);
  });

  it('keeps the prompt out of the task params clients see, while the dispatch prompt carries it', async () => {
    const builder = new PromptBuilder(scenes);
    await builder.assertValid('street', 'coat');
    const prompt = await builder.buildPrompt('street', 'coat');
    const rows = await adminList();
    const fragments = ['street', 'coat'].map((code) => rows.find((r) => r.code === code)!.promptFragment);
    for (const fragment of fragments) expect(prompt).toContain(fragment);

    // What the tasks component stores for a model_pose12 task, even if a prompt had slipped in,
    // goes through its public view before any client sees it.
    const stored = JSON.stringify({ scene: 'street', category: 'coat', seed: builder.randomSeed(), prompt });
    const serialized = JSON.stringify(publicParams(stored));
    expect(JSON.parse(serialized)).toEqual({ scene: 'street', category: 'coat', seed: expect.any(Number) });
    for (const secret of [...fragments, 'front view', 'commercial quality']) expect(serialized).not.toContain(secret);
  });

  it('lets admins and operators manage entries; merchants and anonymous callers cannot', async () => {
    const operator = jwt.sign('aiphoto-admin', { sub: 'op-1', username: 'op', role: 'operator' });
    const merchant = jwt.sign('aiphoto-merchant', { sub: 'user-1', phone: '13800000000' });
    await request(backend.app).get('/api/v1/admin/scenes').expect(401);
    await request(backend.app).get('/api/v1/admin/scenes').set('Authorization', `Bearer ${merchant}`).expect(401);
    const res = await request(backend.app)
      .get('/api/v1/admin/scenes?category=garment')
      .set('Authorization', `Bearer ${operator}`)
      .expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((row: AdminRow) => row.category === 'garment' && row.promptFragment.length > 0)).toBe(
      true,
    );
  });

  it('creates, edits, deactivates and deletes a scene, and the public catalog follows', async () => {
    const auth = { Authorization: `Bearer ${adminToken}` };
    const created = await request(backend.app)
      .post('/api/v1/admin/scenes')
      .set(auth)
      .send({
        code: 'beach',
        name: '海滩',
        category: 'scene',
        promptFragment: 'sunny beach, golden hour',
        thumbnailKey: 'scenes/beach.jpg',
        sort: 50,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      code: 'beach',
      category: 'scene',
      active: true,
      sort: 50,
      promptFragment: 'sunny beach, golden hour',
    });
    const stored = await backend.ctx.db.query('SELECT prompt_fragment, active FROM scenes WHERE code = ?', ['beach']);
    expect(stored).toEqual([{ prompt_fragment: 'sunny beach, golden hour', active: 1 }]);

    let catalog = (await request(backend.app).get('/api/v1/scenes').expect(200)).body;
    expect(catalog.scenes.at(-1)).toEqual({
      code: 'beach',
      name: '海滩',
      nameEn: null, // not named in English yet: English pages show the Chinese name
      thumbnailUrl: 'https://cdn.test/scenes/beach.jpg',
    });
    await expect(scenes.assertValid('beach', 'dress')).resolves.toBeUndefined();

    await request(backend.app)
      .post('/api/v1/admin/scenes')
      .set(auth)
      .send({ code: 'beach', name: 'again', category: 'scene', promptFragment: 'x' })
      .expect(409);

    const edited = await request(backend.app)
      .patch(`/api/v1/admin/scenes/${created.body.id}`)
      .set(auth)
      .send({ name: '沙滩', nameEn: 'Beach', promptFragment: 'tropical beach' })
      .expect(200);
    expect(edited.body).toMatchObject({
      name: '沙滩',
      nameEn: 'Beach',
      promptFragment: 'tropical beach',
      active: true,
    });
    catalog = (await request(backend.app).get('/api/v1/scenes').expect(200)).body;
    expect(catalog.scenes.at(-1)).toMatchObject({ code: 'beach', name: '沙滩', nameEn: 'Beach' });
    await request(backend.app)
      .patch(`/api/v1/admin/scenes/${created.body.id}`)
      .set(auth)
      .send({ active: false })
      .expect(200);
    catalog = (await request(backend.app).get('/api/v1/scenes').expect(200)).body;
    expect(catalog.scenes.map((s: { code: string }) => s.code)).not.toContain('beach');
    await expect(scenes.assertValid('beach', 'dress')).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });

    await request(backend.app).delete(`/api/v1/admin/scenes/${created.body.id}`).set(auth).expect(204);
    await request(backend.app).delete(`/api/v1/admin/scenes/${created.body.id}`).set(auth).expect(404);
    await request(backend.app).patch(`/api/v1/admin/scenes/${created.body.id}`).set(auth).send({ sort: 1 }).expect(404);
    expect(await backend.ctx.db.query('SELECT id FROM scenes WHERE code = ?', ['beach'])).toEqual([]);
  });

  it('refuses malformed admin input with VALIDATION_FAILED', async () => {
    const auth = { Authorization: `Bearer ${adminToken}` };
    const bad = [
      { code: 'Bad Code', name: 'x', category: 'scene', promptFragment: 'x' },
      { code: 'ok', name: 'x', category: 'planet', promptFragment: 'x' },
      { code: 'ok', name: 'x', category: 'scene', promptFragment: '' },
    ];
    for (const body of bad) {
      const res = await request(backend.app).post('/api/v1/admin/scenes').set(auth).send(body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const [row] = await adminList();
    await request(backend.app).patch(`/api/v1/admin/scenes/${row.id}`).set(auth).send({}).expect(400);
    await request(backend.app).patch(`/api/v1/admin/scenes/${row.id}`).set(auth).send({ code: 'renamed' }).expect(400);
  });

  it('validates selections: unknown codes, swapped kinds and inactive entries are refused', async () => {
    await expect(scenes.assertValid('studio', 'dress')).resolves.toBeUndefined();
    for (const [scene, category] of [
      ['moon', 'dress'],
      ['studio', 'spacesuit'],
      ['dress', 'studio'],
      ['studio', 'studio'],
    ]) {
      await expect(scenes.assertValid(scene, category)).rejects.toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const hoodie = (await adminList()).find((r) => r.code === 'hoodie')!;
    await scenes.update(hoodie.id, { active: false });
    try {
      await expect(scenes.assertValid('studio', 'hoodie')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      const catalog = (await request(backend.app).get('/api/v1/scenes').expect(200)).body;
      expect(catalog.categories.map((c: { code: string }) => c.code)).not.toContain('hoodie');
    } finally {
      await scenes.update(hoodie.id, { active: true });
    }
  });
});

describe('the default composition', () => {
  it('serves the seeded catalog', async () => {
    const db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    const backend = await buildBackend(testConfig({}, db.config));
    try {
      const res = await request(backend.app).get('/api/v1/scenes').expect(200);
      expect(res.body.scenes.map((s: { code: string }) => s.code)).toEqual([
        'street',
        'studio',
        'indoor',
        'garden',
        'seaside',
        'old_town',
        'snow_mountain',
        'city_landmark',
      ]);
    } finally {
      await backend.close();
      await db.drop();
    }
  });
});
