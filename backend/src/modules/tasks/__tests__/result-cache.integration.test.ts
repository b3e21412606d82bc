import { toDbTime } from '../../../db/time';
import { drivers } from '../../../testing/test-db';
import { wholeBackend, type WholeBackend } from '../../../testing/whole-backend';
import { LedgerService } from '../../ledger/ledger.service';
import { waitFor } from '../../../../../jest/wait-for';

jest.setTimeout(90_000);

/**
 * A result-cache hit is a task like any other (docs/architecture.md §11): the merchant gets a
 * result, so it needs an active membership and is charged the type's credits, kept because it
 * is born done. Only the vendor call is saved.
 */
describe.each(drivers)('result-cache hits on %s', (driver) => {
  let t: WholeBackend;
  let ledger: LedgerService;

  beforeAll(async () => {
    t = await wholeBackend(driver);
    ledger = new LedgerService(t.ds);
  });
  afterAll(async () => t?.close());

  const create = (token: string, body: object, key?: string) => {
    const req = t.api().post('/api/v1/tasks').set('Authorization', `Bearer ${token}`);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const reserves = async (userId: string) =>
    Number(
      (
        (await t.ds.query("SELECT COUNT(*) AS n FROM quota_ledger WHERE user_id = ? AND kind = 'reserve'", [
          userId,
        ])) as Array<{ n: number | string }>
      )[0].n,
    );
  const dispatchedIds = () => new Set(t.n8n.received.map((d) => d.body.taskId));

  /** A done basic_clean task of the merchant on `inputKey`: what later creates are answered from. */
  async function doneTask(userId: string, token: string, inputKey: string) {
    const task = (await create(token, { type: 'basic_clean', inputKey }).expect(201)).body.tasks[0] as { id: string };
    await waitFor(() => dispatchedIds().has(task.id), Boolean, { what: 'the dispatch' });
    await t
      .callback({ taskId: task.id, event: 'done', resultKeys: [`output/${userId}/${task.id}/main.jpg`] })
      .expect(200);
    return task;
  }

  it('charges a cache hit like any task: done at once, one credit kept, never dispatched', async () => {
    const m = await t.merchant({ quota: 3 });
    const inputKey = await t.upload(m.id);
    const first = await doneTask(m.id, m.token, inputKey);
    const hit = (await create(m.token, { type: 'basic_clean', inputKey }).expect(201)).body.tasks[0];
    expect(hit).toMatchObject({ status: 'done', progress: 100, resultUrls: [expect.any(String)] });
    expect(hit.id).not.toBe(first.id);
    expect(dispatchedIds().has(hit.id)).toBe(false);
    expect(await reserves(m.id)).toBe(2);
    expect(await ledger.checkInvariant(m.id)).toMatchObject({ ok: true, balance: 1 });
  });

  it('refuses a cache hit without credits left: 402 QUOTA_EXHAUSTED, nothing created', async () => {
    const m = await t.merchant({ quota: 1 });
    const inputKey = await t.upload(m.id);
    await doneTask(m.id, m.token, inputKey);
    const res = await create(m.token, { type: 'basic_clean', inputKey }).expect(402);
    expect(res.body.error.code).toBe('QUOTA_EXHAUSTED');
    const tasks = (await t.api().get('/api/v1/tasks').set('Authorization', `Bearer ${m.token}`).expect(200)).body;
    expect(tasks.items).toHaveLength(1);
    expect(await ledger.checkInvariant(m.id)).toMatchObject({ ok: true, balance: 0 });
  });

  it('refuses a cache hit once the membership has lapsed: 402 MEMBERSHIP_REQUIRED', async () => {
    const m = await t.merchant({ quota: 5 });
    const inputKey = await t.upload(m.id);
    await doneTask(m.id, m.token, inputKey);
    // Time passes: the membership ends (its credits end with it, by the ledger's expire entry).
    await t.ds.query('UPDATE users SET quota_expire_at = ? WHERE id = ?', [
      toDbTime(new Date(Date.now() - 1000)),
      m.id,
    ]);
    const res = await create(m.token, { type: 'basic_clean', inputKey }).expect(402);
    expect(res.body.error.code).toBe('MEMBERSHIP_REQUIRED');
    expect(await reserves(m.id)).toBe(1);
    expect((await ledger.checkInvariant(m.id)).ok).toBe(true);
  });

  it('a batch mixing a cache hit and a new image is charged per task; a replay charges nothing more', async () => {
    const m = await t.merchant({ quota: 5 });
    const [seen, fresh] = [await t.upload(m.id), await t.upload(m.id)];
    await doneTask(m.id, m.token, seen);
    const body = { type: 'basic_clean', inputKeys: [seen, fresh] };
    const batch = (await create(m.token, body, 'mixed-batch-1').expect(201)).body.tasks;
    expect(batch.map((x: { status: string }) => x.status)).toEqual(['done', 'queued']);
    expect(await ledger.checkInvariant(m.id)).toMatchObject({ ok: true, balance: 2 });
    const replay = await create(m.token, body, 'mixed-batch-1').expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await reserves(m.id)).toBe(3);
    expect(await ledger.checkInvariant(m.id)).toMatchObject({ ok: true, balance: 2 });
  });

  it('output presets are part of the cache key: same bytes + another preset, margin or colour is a new run', async () => {
    const m = await t.merchant({ quota: 10 });
    const inputKey = await t.upload(m.id);
    // The default preset spelled out is the same request as no preset: a hit.
    await doneTask(m.id, m.token, inputKey);
    const same = (
      await create(m.token, {
        type: 'basic_clean',
        inputKey,
        params: { preset: 'taobao_800x800', margin: '0', background: '#FFFFFF' },
      }).expect(201)
    ).body.tasks[0];
    expect(same.status).toBe('done');
    const ids: string[] = [];
    for (const params of [
      { preset: 'pdd_750x1000' },
      { preset: 'transparent_800x800' },
      { margin: '10' },
      { background: '#F5F5F5' },
    ]) {
      const task = (await create(m.token, { type: 'basic_clean', inputKey, params }).expect(201)).body.tasks[0];
      expect([params, task.status]).toEqual([params, 'queued']);
      ids.push(task.id);
      await waitFor(() => dispatchedIds().has(task.id), Boolean, { what: 'the dispatch' });
      const dispatch = t.n8n.received.find((d) => d.body.taskId === task.id)!;
      expect(dispatch.body.params).toEqual({
        preset: 'taobao_800x800',
        margin: '0',
        background: '#FFFFFF',
        ...params,
      });
    }
    // Once the 750×1000 run is done, the same preset again is answered from it, not from the 800×800 one.
    const pddKey = `output/${m.id}/${ids[0]}/main.jpg`;
    await t.callback({ taskId: ids[0], event: 'done', resultKeys: [pddKey] }).expect(200);
    const again = (
      await create(m.token, { type: 'basic_clean', inputKey, params: { preset: 'pdd_750x1000' } }).expect(201)
    ).body.tasks[0];
    expect(again.status).toBe('done');
    expect(again.resultUrls[0]).toContain(`${ids[0]}/main.jpg`);
  });

  it('refuses a preset, margin or colour that is not one of the options (400 VALIDATION_FAILED)', async () => {
    const m = await t.merchant({ quota: 3 });
    const inputKey = await t.upload(m.id);
    for (const params of [{ preset: 'pdd_10x10' }, { margin: '50' }, { background: 'red' }]) {
      const res = await create(m.token, { type: 'basic_clean', inputKey, params }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toContain(`params.${Object.keys(params)[0]}`);
    }
    expect(await ledger.checkInvariant(m.id)).toMatchObject({ ok: true, balance: 3 });
  });
});
