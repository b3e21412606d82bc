/**
 * The products that are only a workflow and a row (issue 12): `fitting` (virtual try-on) and
 * `travel` (travel photos), through the public HTTP API on MariaDB + Redis with the real pinned
 * n8n running the repo's workflows against the vendor sandbox. The pixels of every result prove
 * which inputs (and which scene) made it; failures are refunded exactly once, and the ledger
 * invariant holds for the whole system at the end.
 */
import sharp from 'sharp';
import { checkSystemInvariant } from '../../backend/src/testing/system-invariant';
import { fillPromptTemplate } from '../../backend/src/modules/scenes/prompt-builder';
import { GARMENT_BOX, sceneColour } from '../../sandbox/src/runninghub/apps';
import { adminLogin, type Stack } from '../stack';
import { signUpMember, type Merchant } from '../stack-client';
import { merchantApi, startE2eStack, type E2eStack } from './support/e2e-stack';

jest.setTimeout(120_000);

let e2e: E2eStack;
let stack: Stack;
let adminToken: string;
const { call, upload, finished, quota } = merchantApi(() => stack.backend.url);

const RED: [number, number, number] = [200, 20, 30];
const BLUE: [number, number, number] = [25, 50, 210];

/** A garment shot: a red shape on a grey backdrop (its centre is red). */
async function garment(): Promise<Buffer> {
  const shape = await sharp({ create: { width: 360, height: 460, channels: 3, background: rgb(RED) } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 900, height: 1000, channels: 3, background: { r: 175, g: 178, b: 180 } } })
    .composite([{ input: shape, left: 270, top: 270 }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** A "model photo": plain blue, so every pixel of it in a result is recognisable. */
const modelPhoto = () =>
  sharp({ create: { width: 600, height: 800, channels: 3, background: rgb(BLUE) } })
    .jpeg({ quality: 92 })
    .toBuffer();

function rgb([r, g, b]: [number, number, number]) {
  return { r, g, b };
}

/** The pixel at (x, y) of each result image. */
async function pixelsAt(urls: string[], x: number, y: number): Promise<number[][]> {
  return Promise.all(
    urls.map(async (url) => {
      const { data, info } = await sharp(Buffer.from(await (await fetch(url)).arrayBuffer()))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const i = (y * info.width + x) * info.channels;
      return [data[i], data[i + 1], data[i + 2]];
    }),
  );
}

const near =
  (expected: number[], tolerance = 14) =>
  (actual: number[]) =>
    expected.every((v, i) => Math.abs(actual[i] - v) <= tolerance);
const CORNER = { x: 20, y: 20 };
const CENTRE = { x: GARMENT_BOX.left + GARMENT_BOX.width / 2, y: GARMENT_BOX.top + GARMENT_BOX.height / 2 };

/** Distinct result files by content. */
async function distinctContents(urls: string[]): Promise<number> {
  const bodies = await Promise.all(urls.map(async (u) => Buffer.from(await (await fetch(u)).arrayBuffer())));
  return new Set(bodies.map((b) => b.toString('base64'))).size;
}

async function refundsOf(taskId: string): Promise<number> {
  const rows = (await stack.backend.ctx.db.query(
    "SELECT COUNT(*) AS n FROM quota_ledger WHERE task_id = ? AND kind = 'refund'",
    [taskId],
  )) as Array<{ n: number | string }>;
  return Number(rows[0].n);
}

const script = (vendor: 'runninghub' | 'ci', body: object) =>
  fetch(`${stack.sandbox.url}/sandbox/${vendor}/script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  e2e = await startE2eStack({ name: 'products' });
  stack = e2e.stack;
  adminToken = (await call('POST', '/api/v1/admin/login', undefined, adminLogin(stack))).body.token;
}, 15 * 60_000);

afterAll(() => e2e?.close(), 60_000);

describe('fitting (virtual try-on) and travel, each only a workflow and a row', () => {
  let merchant: Merchant;
  let garmentKey: string;
  let modelKey: string;

  beforeAll(async () => {
    merchant = await signUpMember(stack);
    garmentKey = await upload(merchant, await garment());
    modelKey = await upload(merchant, await modelPhoto());
  });

  it('are offered by GET /api/v1/task-types', async () => {
    const { body } = await call('GET', '/api/v1/task-types');
    const keys = (body.items as Array<{ key: string }>).map((t) => t.key);
    expect(keys).toEqual(expect.arrayContaining(['fitting', 'travel']));
  });

  it('fitting: the model photo wearing the garment, as many distinct images as asked', async () => {
    const created = await call('POST', '/api/v1/tasks', merchant.token, {
      type: 'fitting',
      inputs: { garment: garmentKey, model: modelKey },
      params: { count: '3' },
    });
    expect(created.status).toBe(201);
    const task = await finished(merchant, created.body.tasks[0].id);
    expect(task).toMatchObject({ status: 'done', progress: 100 });
    expect(task.resultUrls).toHaveLength(3);
    for (const url of task.resultUrls as string[]) expect(url).toContain(`/output/${merchant.userId}/${task.id}/`);
    expect(await distinctContents(task.resultUrls)).toBe(3);
    // Around the torso the model photo (blue), on it the garment (red): both inputs reached the app.
    expect((await pixelsAt(task.resultUrls, CORNER.x, CORNER.y)).every(near(BLUE))).toBe(true);
    expect((await pixelsAt(task.resultUrls, CENTRE.x, CENTRE.y)).every(near(RED))).toBe(true);
    expect(await quota(merchant)).toBe(99);
  });

  it("fitting refuses another merchant's photo in either slot, charging nothing", async () => {
    const other = await signUpMember(stack);
    const ownKey = await upload(other, await garment());
    for (const inputs of [
      { garment: ownKey, model: modelKey },
      { garment: garmentKey, model: ownKey },
    ]) {
      const res = await call('POST', '/api/v1/tasks', other.token, { type: 'fitting', inputs });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await quota(other)).toBe(100);
  });

  it('travel: the garment in the chosen destination, told apart by the pixels', async () => {
    const template = (await call('GET', '/api/v1/admin/task-types/travel', adminToken)).body.promptTemplate as string;
    const scenes = (await call('GET', '/api/v1/admin/scenes', adminToken)).body.items as Array<{
      code: string;
      promptFragment: string;
    }>;
    const expectedBackdrop = (code: string) => {
      const fragment = scenes.find((s) => s.code === code)?.promptFragment;
      expect(fragment).toBeTruthy();
      const { r, g, b } = sceneColour(fillPromptTemplate(template, { scene: fragment }));
      return [r, g, b];
    };
    const results: Record<string, string[]> = {};
    for (const [scene, count, expected] of [
      ['seaside', '2', 2],
      ['snow_mountain', undefined, 4],
    ] as const) {
      const created = await call('POST', '/api/v1/tasks', merchant.token, {
        type: 'travel',
        inputKey: garmentKey,
        params: { scene, ...(count ? { count } : {}) },
      });
      expect(created.status).toBe(201);
      const task = await finished(merchant, created.body.tasks[0].id);
      expect(task.status).toBe('done');
      expect(task.resultUrls).toHaveLength(expected);
      expect(await distinctContents(task.resultUrls)).toBe(expected);
      expect(await pixelsAt(task.resultUrls, CORNER.x, CORNER.y)).toEqual(
        Array.from({ length: expected }, () => expectedBackdrop(scene)),
      );
      expect((await pixelsAt(task.resultUrls, CENTRE.x, CENTRE.y)).every(near(RED))).toBe(true);
      // The prompt (business IP) is never shown to the merchant.
      expect(JSON.stringify(task)).not.toMatch(/travel photo|fashion model/);
      results[scene] = task.resultUrls;
    }
    expect(expectedBackdrop('seaside')).not.toEqual(expectedBackdrop('snow_mountain'));
    expect(await quota(merchant)).toBe(97);
  });

  it.each(['fitting', 'travel'] as const)(
    '%s: a scripted RunningHub failure fails the task, refunded exactly once',
    async (type) => {
      const before = await quota(merchant);
      await script('runninghub', { outcome: 'fail', times: 1 });
      const created = await call('POST', '/api/v1/tasks', merchant.token, {
        type,
        ...(type === 'fitting'
          ? { inputs: { garment: garmentKey, model: modelKey } }
          : { inputKey: garmentKey, params: { scene: 'old_town' } }),
      });
      expect(created.status).toBe(201);
      const task = await finished(merchant, created.body.tasks[0].id);
      expect(task).toMatchObject({ status: 'failed', errorCode: 'VENDOR_FAILED' });
      expect(await quota(merchant)).toBe(before);
      expect(await refundsOf(task.id)).toBe(1);
    },
  );
});

describe('content audit (seed 001): the first step of every workflow when switched on', () => {
  let merchant: Merchant;
  let garmentKey: string;
  let modelKey: string;
  const setting = async (key: string, value: number | null) =>
    expect((await call('PUT', `/api/v1/admin/settings/${key}`, adminToken, { value })).status).toBe(200);
  const calls = async () =>
    ((await (await fetch(`${stack.sandbox.url}/sandbox/calls`)).json()) as { calls: Record<string, number> }).calls;
  const run = async (type: string, extra: object) => {
    const created = await call('POST', '/api/v1/tasks', merchant.token, { type, ...extra });
    expect(created.status).toBe(201);
    return finished(merchant, created.body.tasks[0].id);
  };
  const fittingBody = () => ({ inputs: { garment: garmentKey, model: modelKey }, params: { count: '1' } });

  beforeAll(async () => {
    merchant = await signUpMember(stack);
    garmentKey = await upload(merchant, await garment());
    modelKey = await upload(merchant, await modelPhoto());
  });
  afterAll(async () => {
    await setting('audit.enabled', null);
    await setting('audit.threshold', null);
  });

  it('is off by default: no audit call is made', async () => {
    const settings = (await call('GET', '/api/v1/admin/settings', adminToken)).body.items as Array<{
      key: string;
      value: number;
    }>;
    expect(settings.filter((s) => s.key.startsWith('audit.'))).toEqual([
      expect.objectContaining({ key: 'audit.enabled', value: 0 }),
      expect.objectContaining({ key: 'audit.threshold', value: 85 }),
    ]);
    const before = (await calls())['ci:audit'] ?? 0;
    expect(await run('fitting', fittingBody())).toMatchObject({ status: 'done' });
    expect((await calls())['ci:audit'] ?? 0).toBe(before);
  });

  it('switched on in the console: every input image is audited once, and a clean task goes on', async () => {
    await setting('audit.enabled', 1);
    const before = (await calls())['ci:audit'] ?? 0;
    expect(await run('fitting', fittingBody())).toMatchObject({ status: 'done' });
    expect((await calls())['ci:audit']).toBe(before + 2); // garment and model photo
    expect(await run('basic_clean', { inputKey: garmentKey })).toMatchObject({ status: 'done' });
    expect((await calls())['ci:audit']).toBe(before + 3);
  });

  it('a score over the threshold fails the task with CONTENT_REJECTED before any generation, refunded once', async () => {
    await setting('audit.enabled', 1);
    const credits = await quota(merchant);
    const runs = (await calls())['runninghub:run'] ?? 0;
    await fetch(`${stack.sandbox.url}/sandbox/ci/audit/script`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'reject', score: 95, label: 'Porn' }),
    });
    const task = await run('fitting', fittingBody());
    expect(task).toMatchObject({ status: 'failed', errorCode: 'CONTENT_REJECTED', resultUrls: [] });
    expect(task.errorReason).toMatch(/content review/);
    expect(JSON.stringify(task)).not.toMatch(/Porn|scored|threshold/); // the vendor's verdict stays with admins
    expect((await calls())['runninghub:run'] ?? 0).toBe(runs);
    expect(await quota(merchant)).toBe(credits);
    expect(await refundsOf(task.id)).toBe(1);
  });

  it('the threshold is the console setting: a low score over a lowered threshold is rejected too', async () => {
    await setting('audit.enabled', 1);
    await setting('audit.threshold', 30);
    await fetch(`${stack.sandbox.url}/sandbox/ci/audit/script`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'pass', score: 40, times: 2 }),
    });
    const task = await run('travel', { inputKey: garmentKey, params: { scene: 'seaside', count: '2' } });
    expect(task).toMatchObject({ status: 'failed', errorCode: 'CONTENT_REJECTED' });
    expect(await refundsOf(task.id)).toBe(1);
    await setting('audit.threshold', null);
  });

  it('an audit that fails at the vendor is a service failure, refunded, never CONTENT_REJECTED', async () => {
    await setting('audit.enabled', 1);
    const credits = await quota(merchant);
    await fetch(`${stack.sandbox.url}/sandbox/ci/audit/script`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'error' }),
    });
    const task = await run('model_pose12', { inputKey: garmentKey, params: { scene: 'studio', category: 'dress' } });
    expect(task.status).toBe('failed');
    expect(task.errorCode).not.toBe('CONTENT_REJECTED');
    expect(await quota(merchant)).toBe(credits);
    expect(await refundsOf(task.id)).toBe(1);
  });
});

describe('the whole system afterwards', () => {
  it('keeps the ledger invariant: every failed task refunded exactly once, nothing left running', async () => {
    const report = await checkSystemInvariant(stack.backend.ctx.db, { settled: true });
    expect(report.problems).toEqual([]);
    expect(report.tasks.failed).toBeGreaterThanOrEqual(5);
  });
});
