import { randomUUID } from 'node:crypto';
import { createDataSource } from '../../../db/data-source';
import { migrations } from '../../../db/migrations';
import { TaskErrorDetail1732230730000 } from '../../../db/migrations/1732230730000-task-error-detail';
import { toDbTime } from '../../../db/time';
import { createEmptyDatabase, drivers } from '../../../testing/test-db';
import { wholeBackend, type WholeBackend } from '../../../testing/whole-backend';
import { FAILURE_DETAIL_MAX_CHARS, MERCHANT_FAILURE_MESSAGES } from '../task-failure';
import { waitFor } from '../../../../../jest/wait-for';

jest.setTimeout(90_000);

/**
 * A vendor's failure text as RunningHub can send it: long, naming the vendor, storage keys,
 * a signed URL and a stack trace. The callback carrying it must be accepted whatever its length
 * (a refusal would leave the task to the watchdog); the merchant sees a stable code and message,
 * the admin console the vendor's words, cleaned and capped.
 */
describe.each(drivers)('vendor failure text on %s', (driver) => {
  let t: WholeBackend;

  beforeAll(async () => {
    t = await wholeBackend(driver);
  });
  afterAll(async () => t?.close());

  const vendorText = (userId: string, taskId: string) =>
    [
      'RunningHub: ComfyUI node 10 (LoadImage) failed:',
      `cannot open output/${userId}/${taskId}/tmp.png from https://rh-images.example.com/a/b.png?sign=SECRETSIG&expires=1`,
      'Traceback (most recent call last):\n  File "/app/comfy/execution.py", line 151, in recursive_execute',
      '\u0000\u001b[31mCUDA out of memory\u202e',
      'x'.repeat(20_000),
    ].join('\n');

  async function runningTask(userId: string, token: string) {
    const inputKey = await t.upload(userId);
    const task = (
      await t
        .api()
        .post('/api/v1/tasks')
        .set('Authorization', `Bearer ${token}`)
        .send({ type: 'basic_clean', inputKey })
        .expect(201)
    ).body.tasks[0] as { id: string };
    await waitFor(
      () => t.n8n.received.find((d) => d.body.taskId === task.id),
      (d) => d !== undefined,
      { what: 'the dispatch' },
    );
    return task;
  }

  it('accepts a 20 KB vendor failure; the merchant sees a code and message, the admin the vendor text', async () => {
    const merchant = await t.merchant({ quota: 3 });
    const task = await runningTask(merchant.id, merchant.token);
    const raw = vendorText(merchant.id, task.id);
    expect(raw.length).toBeGreaterThan(20_000);
    const answer = await t
      .callback({ taskId: task.id, event: 'failed', error: { code: 'VENDOR_FAILED', message: raw } })
      .expect(200);
    expect(answer.body).toMatchObject({ ok: true, applied: true });

    const seen = (
      await t.api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${merchant.token}`).expect(200)
    ).body;
    expect(seen).toMatchObject({
      status: 'failed',
      errorCode: 'VENDOR_FAILED',
      errorReason: MERCHANT_FAILURE_MESSAGES.VENDOR_FAILED,
    });
    const merchantText = JSON.stringify(seen);
    for (const leak of ['RunningHub', 'ComfyUI', 'SECRETSIG', 'Traceback', 'CUDA', `${task.id}/tmp.png`])
      expect(merchantText).not.toContain(leak);

    const admin = (
      await t.api().get(`/api/v1/admin/tasks/${task.id}`).set('Authorization', `Bearer ${t.adminToken}`).expect(200)
    ).body;
    expect(admin).toMatchObject({ errorCode: 'VENDOR_FAILED', errorReason: MERCHANT_FAILURE_MESSAGES.VENDOR_FAILED });
    const detail = admin.errorDetail as string;
    expect(detail.startsWith('VENDOR_FAILED: RunningHub: ComfyUI node 10 (LoadImage) failed:')).toBe(true);
    expect(detail).toContain(`output/${merchant.id}/${task.id}/tmp.png`);
    expect(detail).toContain('https://rh-images.example.com/a/b.png?…');
    expect(detail).toContain('Traceback');
    // Signed URLs lose their query (credentials), control and bidi characters are gone, the rest is capped.
    expect(detail).not.toContain('SECRETSIG');
    // eslint-disable-next-line no-control-regex -- asserting that control characters are gone
    expect(detail).not.toMatch(/[\u0000\u001b\u202e]/);
    expect(detail).toHaveLength(FAILURE_DETAIL_MAX_CHARS);
    expect(detail.endsWith('…')).toBe(true);
    // The credit came back.
    const me = (await t.api().get('/api/v1/me').set('Authorization', `Bearer ${merchant.token}`).expect(200)).body;
    expect(me.quotaRemaining).toBe(3);
  });

  it('maps unknown or internal codes to GENERATION_FAILED and keeps the reported code for admins', async () => {
    const merchant = await t.merchant({ quota: 2 });
    const task = await runningTask(merchant.id, merchant.token);
    await t
      .callback({
        taskId: task.id,
        event: 'failed',
        error: { code: `RH_${'E'.repeat(200)}`, message: 'RunningHub gave an unexpected answer' },
      })
      .expect(200);
    const seen = (
      await t.api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${merchant.token}`).expect(200)
    ).body;
    expect(seen).toMatchObject({
      errorCode: 'GENERATION_FAILED',
      errorReason: MERCHANT_FAILURE_MESSAGES.GENERATION_FAILED,
    });
    const admin = (
      await t.api().get(`/api/v1/admin/tasks/${task.id}`).set('Authorization', `Bearer ${t.adminToken}`).expect(200)
    ).body;
    expect(admin.errorDetail).toMatch(/^RH_E{60}…: RunningHub gave an unexpected answer$/);
  });

  it('results outside the task folder: the merchant is not told the storage paths', async () => {
    const merchant = await t.merchant({ quota: 1 });
    const task = await runningTask(merchant.id, merchant.token);
    await t.callback({ taskId: task.id, event: 'done', resultKeys: ['https://vendor.example/tmp/1.png'] }).expect(200);
    const seen = (
      await t.api().get(`/api/v1/tasks/${task.id}`).set('Authorization', `Bearer ${merchant.token}`).expect(200)
    ).body;
    expect(seen).toMatchObject({ errorCode: 'INVALID_RESULT', errorReason: MERCHANT_FAILURE_MESSAGES.INVALID_RESULT });
    expect(JSON.stringify(seen)).not.toContain('output/');
    const admin = (
      await t.api().get(`/api/v1/admin/tasks/${task.id}`).set('Authorization', `Bearer ${t.adminToken}`).expect(200)
    ).body;
    expect(admin.errorDetail).toContain(`outside output/${merchant.id}/${task.id}/`);
    expect(admin.errorDetail).toContain('https://vendor.example/tmp/1.png');
  });
});

describe.each(drivers)('the task-error-detail migration on %s', (driver) => {
  it('moves vendor text of earlier failures to error_detail and writes the merchant code and message', async () => {
    const empty = await createEmptyDatabase(driver);
    const ds = createDataSource(empty.config);
    await ds.initialize();
    try {
      await ds.runMigrations();
      for (let i = migrations.indexOf(TaskErrorDetail1732230730000); i < migrations.length; i++)
        await ds.undoLastMigration();
      const now = toDbTime(new Date());
      const insert = (status: string, code: string | null, reason: string | null) => {
        const id = randomUUID();
        return ds
          .query(
            `INSERT INTO tasks (id, user_id, batch_id, type, status, input_key, params, progress, error_code,
                                error_reason, deadline_at, hidden, favorite, created_at, updated_at)
             VALUES (?, ?, ?, 'basic_clean', ?, 'input/u/a.jpg', '{}', 0, ?, ?, ?, 0, 0, ?, ?)`,
            [id, randomUUID(), randomUUID(), status, code, reason, now, now, now],
          )
          .then(() => id);
      };
      const vendor = await insert('failed', 'VENDOR_FAILED', 'RunningHub: node 10 failed');
      const odd = await insert('failed', 'VENDOR_ERROR', 'Tencent CI: NoSuchKey output/u/t/main.jpg');
      const canceled = await insert('canceled', 'CANCELED', 'Canceled by the merchant; the credit was refunded');
      await ds.runMigrations();
      const row = async (id: string) =>
        (
          (await ds.query('SELECT error_code, error_reason, error_detail FROM tasks WHERE id = ?', [id])) as unknown[]
        )[0];
      expect(await row(vendor)).toEqual({
        error_code: 'VENDOR_FAILED',
        error_reason: MERCHANT_FAILURE_MESSAGES.VENDOR_FAILED,
        error_detail: 'VENDOR_FAILED: RunningHub: node 10 failed',
      });
      expect(await row(odd)).toEqual({
        error_code: 'GENERATION_FAILED',
        error_reason: MERCHANT_FAILURE_MESSAGES.GENERATION_FAILED,
        error_detail: 'VENDOR_ERROR: Tencent CI: NoSuchKey output/u/t/main.jpg',
      });
      expect(await row(canceled)).toEqual({
        error_code: 'CANCELED',
        error_reason: 'Canceled by the merchant; the credit was refunded',
        error_detail: null,
      });
    } finally {
      await ds.destroy();
      await empty.drop();
    }
  }, 30_000);
});
