/**
 * The first loop in one piece, through the public HTTP API, on MariaDB + Redis with the real
 * pinned n8n running the repo's workflows against the vendor sandbox: login with the SMS code,
 * pay in the sandbox, upload, basic_clean and model_pose12 done, failures refunded once,
 * concurrency, n8n down during dispatch, a hung vendor timing out, and user isolation.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import WebSocket from 'ws';
import { signMessage } from '../../backend/src/modules/n8n/signed-message';
import { adminLogin, type Stack } from '../stack';
import { payMembership, signInMerchant, type Merchant } from '../stack-client';
import { waitFor } from '../../jest/wait-for';
import { merchantApi, startE2eStack, type E2eStack } from './support/e2e-stack';

jest.setTimeout(120_000);

let e2e: E2eStack;
let stack: Stack;
const SECRET = `system-e2e-${randomUUID()}`;

type Session = Merchant;

const { call, upload, finished, quota } = merchantApi(() => stack.backend.url);

const login = (): Promise<Session> => signInMerchant(stack);

async function buyMembership(s: Session): Promise<void> {
  const { orderId, notifyStatus } = await payMembership(stack, s.token);
  expect(notifyStatus).toBe(204);
  const order = await call('GET', `/api/v1/membership/orders/${orderId}`, s.token);
  expect(order.body.status).toBe('paid');
}

/** A garment shot: a red shape on a plain grey backdrop. */
async function garment(seed = 0): Promise<Buffer> {
  const shape = await sharp({
    create: { width: 360, height: 460, channels: 3, background: { r: 190, g: 25 + seed, b: 35 } },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width: 900, height: 1000, channels: 3, background: { r: 175, g: 178, b: 180 } } })
    .composite([{ input: shape, left: 270, top: 270 }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** File names from a ZIP's central directory (signature 0x02014b50, name length at +28, name at +46). */
function zipEntryNames(zip: Buffer): string[] {
  const names: string[] = [];
  for (let i = zip.indexOf('PK\x01\x02', 0, 'latin1'); i >= 0; i = zip.indexOf('PK\x01\x02', i + 4, 'latin1')) {
    names.push(zip.subarray(i + 46, i + 46 + zip.readUInt16LE(i + 28)).toString('utf8'));
  }
  return names.sort();
}

beforeAll(async () => {
  e2e = await startE2eStack({ name: 'system', poolSize: 20, sharedSecret: SECRET });
  stack = e2e.stack;
}, 15 * 60_000);

afterAll(() => e2e?.close(), 60_000);

describe('the merchant loop against the real n8n', () => {
  let merchant: Session;
  let inputKey: string;

  beforeAll(async () => {
    merchant = await login();
    await buyMembership(merchant);
    inputKey = await upload(merchant, await garment());
  });

  it('grants the plan credits after paying in the sandbox', async () => {
    const me = await call('GET', '/api/v1/me', merchant.token);
    expect(me.body).toMatchObject({ isMember: true, quotaRemaining: 100 });
  });

  it('cleans a garment photo into an 800×800 white-background image, pushed over the WebSocket', async () => {
    const ws = new WebSocket(`${stack.backend.url.replace('http', 'ws')}/ws?token=${merchant.token}`);
    const events: Array<{ taskId?: string; status?: string }> = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data))));
    await waitFor(
      () => events,
      (e) => e.some((m) => (m as { type?: string }).type === 'ready'),
    );

    const created = await call('POST', '/api/v1/tasks', merchant.token, { type: 'basic_clean', inputKey });
    expect(created.status).toBe(201);
    const task = await finished(merchant, created.body.tasks[0].id);
    expect(task).toMatchObject({ status: 'done', progress: 100 });
    expect(task.resultUrls).toHaveLength(1);
    const image = sharp(Buffer.from(await (await fetch(task.resultUrls[0])).arrayBuffer()));
    const meta = await image.metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([800, 800, 'jpeg']);
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    const corner = [data[0], data[1], data[2]];
    const centre = (info.height / 2) * info.width * info.channels + (info.width / 2) * info.channels;
    expect(Math.min(...corner)).toBeGreaterThanOrEqual(245);
    expect(data[centre]).toBeGreaterThan(150); // the red garment survives
    expect(data[centre + 1]).toBeLessThan(90);
    await waitFor(
      () => events,
      (e) => e.some((m) => m.taskId === task.id && m.status === 'done'),
    );
    ws.close();
    expect(await quota(merchant)).toBe(99);
  });

  it('generates 12 poses mirrored into our storage, with a prompt the client never sees', async () => {
    const created = await call('POST', '/api/v1/tasks', merchant.token, {
      type: 'model_pose12',
      inputKey,
      params: { scene: 'studio', category: 'dress' },
    });
    expect(created.status).toBe(201);
    const task = await finished(merchant, created.body.tasks[0].id);
    expect(task.status).toBe('done');
    expect(task.resultUrls).toHaveLength(12);
    expect(new Set(task.resultUrls).size).toBe(12);
    for (const url of task.resultUrls as string[]) expect(url).toContain(`/output/${merchant.userId}/${task.id}/`);
    const first = await fetch(task.resultUrls[0]);
    expect(first.status).toBe(200);
    expect(JSON.stringify(task)).not.toMatch(/commercial quality|high resolution/);
    expect(await quota(merchant)).toBe(98);

    // The ZIP download holds the 12 images, named after the upload (garment.jpg): count the
    // central-directory entries and read their names.
    const zip = await fetch(`${stack.backend.url}/api/v1/tasks/${task.id}/download`, {
      headers: { authorization: `Bearer ${merchant.token}` },
    });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zipEntryNames(Buffer.from(await zip.arrayBuffer()))).toEqual(
      Array.from({ length: 12 }, (_, i) => `garment_pose${String(i + 1).padStart(2, '0')}.png`),
    );
  });

  it('refunds a scripted vendor failure exactly once', async () => {
    await fetch(`${stack.sandbox.url}/sandbox/ci/script`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'fail', times: 1 }),
    });
    const created = await call('POST', '/api/v1/tasks', merchant.token, {
      type: 'basic_clean',
      inputKey: await upload(merchant, await garment(7)),
    });
    const task = await finished(merchant, created.body.tasks[0].id);
    expect(task).toMatchObject({ status: 'failed', errorCode: 'VENDOR_FAILED' });
    expect(await quota(merchant)).toBe(98);
    // The same failure delivered again (a retried callback) changes nothing.
    const raw = JSON.stringify({
      taskId: task.id,
      event: 'failed',
      error: { code: 'VENDOR_FAILED', message: 'again' },
    });
    const again = await fetch(`${stack.backend.url}/api/v1/internal/n8n/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signMessage(SECRET, 'callback', raw) },
      body: raw,
    });
    expect(((await again.json()) as { applied: boolean }).applied).toBe(false);
    const forged = await fetch(`${stack.backend.url}/api/v1/internal/n8n/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signMessage('not-the-secret-000000', 'callback', raw) },
      body: raw,
    });
    expect(forged.status).toBe(401);
    expect(await quota(merchant)).toBe(98);
  });

  it("answers 404 for another merchant's task", async () => {
    const other = await login();
    const list = await call('GET', '/api/v1/tasks?limit=1', merchant.token);
    const res = await call('GET', `/api/v1/tasks/${list.body.items[0].id}`, other.token);
    expect(res.status).toBe(404);
    expect((await call('POST', '/api/v1/tasks', other.token, { type: 'basic_clean', inputKey })).status).toBe(400);
  });
});

describe('under pressure and failure', () => {
  it('accepts 10 of 200 parallel creates with 10 credits left, and all 10 finish', async () => {
    const s = await login();
    await buyMembership(s);
    // Down to 10 credits through the admin console's ledger adjustment (an `adjust` ledger row).
    const admin = await call('POST', '/api/v1/admin/login', undefined, adminLogin(stack));
    expect(
      (
        await call('POST', `/api/v1/admin/users/${s.userId}/adjust`, admin.body.token, {
          delta: -90,
          reason: 'e2e: leave 10 credits',
        })
      ).status,
    ).toBeLessThan(300);
    expect(await quota(s)).toBe(10);
    const key = await upload(s, await garment(3));
    // model_pose12: never answered from the result cache, so every accepted create is a real charge.
    const body = { type: 'model_pose12', inputKey: key, params: { scene: 'garden', category: 'hoodie' } };
    const results = await Promise.all(Array.from({ length: 200 }, () => call('POST', '/api/v1/tasks', s.token, body)));
    const accepted = results.filter((r) => r.status === 201);
    expect(accepted).toHaveLength(10);
    expect(results.filter((r) => r.status === 402)).toHaveLength(190);
    for (const r of accepted) expect((await finished(s, r.body.tasks[0].id)).status).toBe('done');
    expect(await quota(s)).toBe(0);
  });

  it('keeps tasks while n8n is down and completes them after it returns', async () => {
    const s = await login();
    await buyMembership(s);
    const key = await upload(s, await garment(5));
    await stack.stopN8n();
    const created = await call('POST', '/api/v1/tasks', s.token, { type: 'basic_clean', inputKey: key });
    expect(created.status).toBe(201);
    const id = created.body.tasks[0].id;
    await waitFor(
      () =>
        stack.backend.ctx.db.query('SELECT attempts FROM outbox WHERE payload LIKE ?', [`%${id}%`]) as Promise<
          Array<{ attempts: number }>
        >,
      (rows) => rows[0]?.attempts >= 2,
    );
    expect((await call('GET', `/api/v1/tasks/${id}`, s.token)).body.status).toBe('queued');
    await stack.startN8n();
    expect(await finished(s, id)).toMatchObject({ status: 'done' });
  });

  it('times out a hung vendor with TIMEOUT and refunds', async () => {
    const s = await login();
    await buyMembership(s);
    const key = await upload(s, await garment(9));
    // The 10-minute deadline, shortened at runtime on the task type through the console's API.
    const admin = await call('POST', '/api/v1/admin/login', undefined, adminLogin(stack));
    expect(
      (await call('PATCH', '/api/v1/admin/task-types/model_pose12', admin.body.token, { deadlineSeconds: 5 })).status,
    ).toBe(200);
    try {
      await fetch(`${stack.sandbox.url}/sandbox/runninghub/script`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'hang', times: 1 }),
      });
      const created = await call('POST', '/api/v1/tasks', s.token, {
        type: 'model_pose12',
        inputKey: key,
        params: { scene: 'street', category: 'coat' },
      });
      const id = created.body.tasks[0].id;
      await waitFor(
        () => call('GET', `/api/v1/tasks/${id}`, s.token),
        (r) => r.body.status === 'processing',
      );
      // The watchdog acts on the deadline without any word from n8n.
      expect(await finished(s, id, 30_000)).toMatchObject({ status: 'failed', errorCode: 'TIMEOUT' });
      expect(await quota(s)).toBe(100);
    } finally {
      await call('PATCH', '/api/v1/admin/task-types/model_pose12', admin.body.token, { deadlineSeconds: 600 });
    }
  });
});
