import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { toDbTime } from '../../../db/time';
import { checkSystemInvariant } from '../../../testing/system-invariant';
import { drivers } from '../../../testing/test-db';
import { startTestSandbox, type TestSandbox } from '../../../testing/test-sandbox';
import { wholeBackend, type WholeBackend } from '../../../testing/whole-backend';
import { TEST_RUN_ACCOUNT_PHONE } from '../test-runs.service';
import { waitFor } from '../../../../../jest/wait-for';

jest.setTimeout(120_000);

/** A product registered disabled, pointing at the shipped basic_clean workflow under a new key. */
const DRAFT = {
  key: 'clean_trial',
  name: { zh: '白底试用', en: 'White trial' },
  description: { zh: '测试', en: 'Test' },
  webhookPath: 'aiphoto-basic-clean',
  credits: 2,
  deadlineSeconds: 120,
  inputs: [{ name: 'garment', kind: 'image', label: { zh: '服装图', en: 'Garment photo' } }],
  params: [
    {
      name: 'tone',
      kind: 'choice',
      label: { zh: '色调', en: 'Tone' },
      options: [
        { value: 'warm', label: { zh: '暖', en: 'Warm' } },
        { value: 'cool', label: { zh: '冷', en: 'Cool' } },
      ],
    },
  ],
  outputs: 1,
  cacheable: true,
  enabled: false,
};

/**
 * Console test runs (issue 12): an admin uploads a sample and sends it through a type's workflow,
 * even a disabled one; the run is a task of the system test account that reserves nothing, so no
 * balance moves anywhere and the ledger invariant holds for every user; operators, merchants and
 * anonymous callers are refused. The outcome (status, result images, error code and detail) is read
 * back from the endpoint after the workflow's signed callbacks.
 */
describe.each(drivers)('console test runs on %s', (driver) => {
  let t: WholeBackend;
  let sandbox: TestSandbox;
  let dataDir: string;
  let operatorToken = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-test-runs-'));
    sandbox = await startTestSandbox({ dataDir });
    t = await wholeBackend(driver, {
      SANDBOX_URL: sandbox.url,
      DATA_DIR: dataDir,
      TASK_WATCHDOG_INTERVAL_MS: '200',
    });
    const operator = { username: 'runs-operator', password: 'operator-pass-123', role: 'operator' };
    await t
      .api()
      .post('/api/v1/admin/admins')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send(operator)
      .expect(201);
    operatorToken = (await t.api().post('/api/v1/admin/login').send(operator).expect(200)).body.token;
    await t
      .api()
      .post('/api/v1/admin/task-types')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send(DRAFT)
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const as = (token: string) => ({
    upload: (bytes: Buffer) =>
      t
        .api()
        .post('/api/v1/admin/task-types/test-uploads')
        .set('Authorization', `Bearer ${token}`)
        .attach('file', bytes, 'sample.jpg'),
    start: (key: string, body: object) =>
      t.api().post(`/api/v1/admin/task-types/${key}/test-runs`).set('Authorization', `Bearer ${token}`).send(body),
    get: (p: string) => t.api().get(p).set('Authorization', `Bearer ${token}`),
  });
  const admin = () => as(t.adminToken);
  const sample = (color: string) =>
    sharp({ create: { width: 64, height: 48, channels: 3, background: color } })
      .jpeg()
      .toBuffer();
  const dispatchOf = (taskId: string) =>
    waitFor(
      () => t.n8n.received.find((d) => d.body.taskId === taskId),
      (d) => d !== undefined,
      { what: `the dispatch of ${taskId}` },
    );
  const testAccount = async () =>
    ((await t.ds.query('SELECT id FROM users WHERE phone = ?', [TEST_RUN_ACCOUNT_PHONE])) as Array<{ id: string }>)[0]
      .id;
  const ledgerRows = async () => Number((await t.ds.query('SELECT COUNT(*) AS n FROM quota_ledger'))[0].n);

  it('refuses operators, merchants and anonymous callers', async () => {
    const merchant = await t.merchant({ quota: 5 });
    const photo = await sample('#ff0000');
    for (const [token, status] of [
      [operatorToken, 403],
      [merchant.token, 401],
      ['', 401],
    ] as const) {
      expect((await as(token).upload(photo)).status).toBe(status);
      expect((await as(token).start('clean_trial', { inputs: { garment: 'input/x/y.jpg' } })).status).toBe(status);
      expect((await as(token).get('/api/v1/admin/task-types/clean_trial/test-runs')).status).toBe(status);
    }
    const forbidden = await as(operatorToken).start('clean_trial', { inputs: { garment: 'input/x/y.jpg' } });
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
  });

  it('sends a sample through a disabled type and reports the results; nobody is charged', async () => {
    const merchant = await t.merchant({ quota: 5 });
    const rowsBefore = await ledgerRows();
    const upload = (
      await admin()
        .upload(await sample('#00ff00'))
        .expect(201)
    ).body;
    const account = await testAccount();
    expect(upload.key).toMatch(new RegExp(`^input/${account}/`));

    // The sample must be a test upload (a merchant's key is not), and the params are validated.
    const merchantKey = await t.upload(merchant.id);
    const foreign = await admin()
      .start('clean_trial', { inputs: { garment: merchantKey }, params: { tone: 'warm' } })
      .expect(400);
    expect(foreign.body.error.message).toMatch(/key returned by POST/);
    const badParam = await admin()
      .start('clean_trial', { inputs: { garment: upload.key }, params: { tone: 'hot' } })
      .expect(400);
    expect(badParam.body.error.code).toBe('VALIDATION_FAILED');
    await admin()
      .start('nope', { inputs: { garment: upload.key } })
      .expect(404);

    const run = (
      await admin()
        .start('clean_trial', { inputs: { garment: upload.key }, params: { tone: 'cool' } })
        .expect(201)
    ).body;
    expect(run).toMatchObject({ type: 'clean_trial', status: 'queued', params: { tone: 'cool' }, resultUrls: [] });
    expect(run.inputKeys).toEqual({ garment: [upload.key] });
    expect(run.inputUrls.garment[0]).toContain(upload.key);
    const dispatch = (await dispatchOf(run.id))!;
    expect(dispatch.path).toBe('/webhook/aiphoto-basic-clean');
    expect(dispatch.body).toMatchObject({ type: 'clean_trial', userId: account, params: { tone: 'cool' } });

    const resultKey = `output/${account}/${run.id}/main.jpg`;
    await t.callback({ taskId: run.id, event: 'done', resultKeys: [resultKey] }).expect(200);
    const done = (await admin().get(`/api/v1/admin/task-types/clean_trial/test-runs/${run.id}`).expect(200)).body;
    expect(done).toMatchObject({ status: 'done', progress: 100, errorCode: null });
    expect(done.resultUrls).toHaveLength(1);
    expect(done.resultUrls[0]).toContain(resultKey);

    // The same sample again is run again (test runs never answer from the result cache).
    const again = (await admin().start('clean_trial', { inputs: { garment: upload.key }, params: { tone: 'cool' } }))
      .body;
    expect(again.status).toBe('queued');
    await dispatchOf(again.id);
    await t
      .callback({ taskId: again.id, event: 'failed', error: { code: 'VENDOR_FAILED', message: 'CI said: bad image' } })
      .expect(200);
    const failed = (await admin().get(`/api/v1/admin/task-types/clean_trial/test-runs/${again.id}`).expect(200)).body;
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'VENDOR_FAILED', resultUrls: [] });
    expect(failed.errorDetail).toContain('bad image');

    const listed = (await admin().get('/api/v1/admin/task-types/clean_trial/test-runs').expect(200)).body.items;
    expect(listed.map((r: { id: string }) => r.id)).toEqual([again.id, run.id]);
    await admin().get(`/api/v1/admin/task-types/basic_clean/test-runs/${run.id}`).expect(404);

    // No balance moved: not one ledger row was written, and the test account holds nothing.
    expect(await ledgerRows()).toBe(rowsBefore);
    const [accountRow] = await t.ds.query('SELECT quota_remaining, is_member FROM users WHERE id = ?', [account]);
    expect(Number(accountRow.quota_remaining)).toBe(0);
    const report = await checkSystemInvariant(t.ds);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // The type is still disabled: merchants do not see it and cannot create it.
    const types = (await t.api().get('/api/v1/task-types').expect(200)).body.items.map((x: { key: string }) => x.key);
    expect(types).not.toContain('clean_trial');
    await t
      .api()
      .post('/api/v1/tasks')
      .set('Authorization', `Bearer ${merchant.token}`)
      .send({ type: 'clean_trial', inputKey: merchantKey, params: { tone: 'warm' } })
      .expect(400);
  });

  it('runs the seeded types with their own definition, and times out like any task', async () => {
    const upload = (
      await admin()
        .upload(await sample('#0000ff'))
        .expect(201)
    ).body;
    const run = (
      await admin()
        .start('basic_clean', { inputs: { garment: upload.key } })
        .expect(201)
    ).body;
    await dispatchOf(run.id);
    // Past its deadline the watchdog fails it with TIMEOUT; its refund finds nothing reserved.
    await t.ds.query('UPDATE tasks SET deadline_at = ? WHERE id = ?', [toDbTime(new Date(Date.now() - 1000)), run.id]);
    const settled = await waitFor(
      async () => (await admin().get(`/api/v1/admin/task-types/basic_clean/test-runs/${run.id}`)).body,
      (r) => r.status === 'failed',
      { what: 'the overdue test run to time out' },
    );
    expect(settled.errorCode).toBe('TIMEOUT');
    expect((await checkSystemInvariant(t.ds)).ok).toBe(true);
  });
});
