import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { garmentJpeg, pixels } from '../../__tests__/images';
import { waitFor } from '../../../../jest/wait-for';
import { startReceiver } from '../../__tests__/receiver';
import {
  BUCKET,
  postJson,
  startTestSandbox,
  TEST_RUNNINGHUB_KEY,
  type TestSandbox,
} from '../../__tests__/test-sandbox';

interface RhResponse {
  code: number;
  msg: string;
  data: unknown;
}

describe('sandbox RunningHub AI app', () => {
  let sandbox: TestSandbox;
  let imageUrl: string;
  // Runs follow this clock: real time plus what a test skipped ahead.
  let skippedMs = 0;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ now: () => Date.now() + skippedMs });
    const cos = sandbox.cosClient();
    const photo = await garmentJpeg({ width: 600, height: 800, backdrop: '#9a9a9a', top: '#d01818' });
    await cos.putObject({ ...BUCKET, Key: 'input/u1/dress.jpg', Body: photo });
    // What the backend sends: a signed, short-lived GET URL of the input.
    imageUrl = cos.getObjectUrl({ ...BUCKET, Key: 'input/u1/dress.jpg', Sign: true, Expires: 3600 }, () => undefined);
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => postJson(`${sandbox.url}/sandbox/reset`, {}));

  const call = async (path: string, body: unknown) =>
    (await postJson(`${sandbox.url}/task/openapi/${path}`, body)).json as RhResponse;

  function nodeInfoList(image = imageUrl) {
    return [
      { nodeId: '6', fieldName: 'text', fieldValue: 'studio, dress, front view, side view, back view ...' },
      { nodeId: '10', fieldName: 'image', fieldValue: image },
      { nodeId: '3', fieldName: 'seed', fieldValue: 123456789 },
    ];
  }

  async function run(extra: Record<string, unknown> = {}): Promise<string> {
    const res = await call('ai-app/run', {
      apiKey: TEST_RUNNINGHUB_KEY,
      webappId: '1877265245566922753',
      nodeInfoList: nodeInfoList(),
      ...extra,
    });
    expect(res.code).toBe(0);
    return (res.data as { taskId: string }).taskId;
  }

  function outputsWhenSettled(taskId: string): Promise<RhResponse> {
    return waitFor(
      () => call('outputs', { apiKey: TEST_RUNNINGHUB_KEY, taskId }),
      (res) => res.code !== 804 && res.code !== 813,
      { what: `task ${taskId} settled` },
    );
  }

  it('runs the app and returns 12 distinct PNGs derived from the reference image', async () => {
    const runRes = await call('ai-app/run', {
      apiKey: TEST_RUNNINGHUB_KEY,
      webappId: '1877265245566922753',
      nodeInfoList: nodeInfoList(),
    });
    expect(runRes).toMatchObject({
      code: 0,
      msg: 'success',
      data: { taskStatus: expect.stringMatching(/QUEUED|RUNNING/) },
    });
    const data = runRes.data as { taskId: string; promptTips: string };
    expect(data.taskId).toMatch(/^\d{15,}$/);
    expect(JSON.parse(data.promptTips)).toMatchObject({ node_errors: {} });

    const out = await outputsWhenSettled(data.taskId);
    expect(out.code).toBe(0);
    const files = out.data as Array<{ fileUrl: string; fileType: string; nodeId: string; taskCostTime: string }>;
    expect(files).toHaveLength(12);
    expect(files[0]).toMatchObject({
      fileType: 'png',
      fileUrl: `${sandbox.url}/runninghub/files/${data.taskId}/1.png`,
    });

    const bodies = await Promise.all(files.map(async (f) => Buffer.from(await (await fetch(f.fileUrl)).arrayBuffer())));
    const hashes = new Set(bodies.map((b) => createHash('sha256').update(b).digest('hex')));
    expect(hashes.size).toBe(12);
    for (const body of bodies) expect((await sharp(body).metadata()).format).toBe('png');
    // The front view keeps the garment's own colour at the centre of the shot.
    const front = await pixels(bodies[0]);
    const [r, g, b] = front.at(Math.floor(front.width / 2), Math.floor(front.height / 2));
    expect(r).toBeGreaterThan(150);
    expect(Math.max(g, b)).toBeLessThan(90);

    const status = await call('status', { apiKey: TEST_RUNNINGHUB_KEY, taskId: data.taskId });
    expect(status).toEqual({ code: 0, msg: 'success', data: 'SUCCESS' });
  });

  it('reports QUEUED (813) then RUNNING (804) on the clock', async () => {
    let clock = Date.now();
    const slow = await startTestSandbox({
      runninghub: { apiKey: TEST_RUNNINGHUB_KEY, queueMs: 300, runMs: 300 },
      now: () => clock,
    });
    try {
      const res = (
        await postJson(`${slow.url}/task/openapi/ai-app/run`, {
          apiKey: TEST_RUNNINGHUB_KEY,
          webappId: '1',
          nodeInfoList: nodeInfoList(),
        })
      ).json as RhResponse;
      const taskId = (res.data as { taskId: string }).taskId;
      const outputs = async () =>
        (await postJson(`${slow.url}/task/openapi/outputs`, { apiKey: TEST_RUNNINGHUB_KEY, taskId }))
          .json as RhResponse;
      expect(await outputs()).toEqual({ code: 813, msg: 'APIKEY_TASK_IS_QUEUED', data: null });
      clock += 299;
      expect(await outputs()).toEqual({ code: 813, msg: 'APIKEY_TASK_IS_QUEUED', data: null });
      clock += 1;
      expect(await outputs()).toEqual({ code: 804, msg: 'APIKEY_TASK_IS_RUNNING', data: null });
    } finally {
      await slow.stop();
    }
  });

  it('rejects a wrong apiKey (802) and invalid parameters (301)', async () => {
    expect(await call('ai-app/run', { apiKey: 'nope', webappId: '1', nodeInfoList: nodeInfoList() })).toMatchObject({
      code: 802,
      data: null,
    });
    expect(await call('outputs', { apiKey: 'nope', taskId: '1' })).toMatchObject({ code: 802 });
    expect(await call('ai-app/run', { apiKey: TEST_RUNNINGHUB_KEY, webappId: '1', nodeInfoList: 'x' })).toMatchObject({
      code: 301,
    });
  });

  it('refuses to download a reference image from a non-loopback host', async () => {
    const res = await call('ai-app/run', {
      apiKey: TEST_RUNNINGHUB_KEY,
      webappId: '1',
      nodeInfoList: nodeInfoList('http://example.com/a.jpg'),
    });
    expect(res.code).toBe(301);
    expect(res.msg).toContain('loopback');
  });

  it('fails a scripted run with 805 and a failedReason, and posts the webhook', async () => {
    const hook = await startReceiver();
    try {
      await postJson(`${sandbox.url}/sandbox/runninghub/script`, { outcome: 'fail' });
      const taskId = await run({ webhookUrl: `${hook.url}/webhook-waiting/42` });
      const out = await outputsWhenSettled(taskId);
      expect(out).toMatchObject({
        code: 805,
        data: { failedReason: { exception_message: expect.stringContaining('scripted') } },
      });

      await hook.waitFor(1);
      const sent = JSON.parse(hook.received[0].body) as { taskId: string; eventData: string };
      expect(hook.received[0].url).toBe('/webhook-waiting/42');
      expect(sent.taskId).toBe(taskId);
      expect(JSON.parse(sent.eventData)).toMatchObject({ code: 805 });

      // The script applied to one run only.
      expect((await outputsWhenSettled(await run())).code).toBe(0);
    } finally {
      await hook.close();
    }
  });

  it('posts the outputs to the webhook on success', async () => {
    const hook = await startReceiver();
    try {
      const taskId = await run({ webhookUrl: `${hook.url}/hook` });
      await hook.waitFor(1);
      const sent = JSON.parse(hook.received[0].body) as { taskId: string; eventData: string };
      expect(sent.taskId).toBe(taskId);
      const event = JSON.parse(sent.eventData) as RhResponse;
      expect(event.code).toBe(0);
      expect(event.data).toHaveLength(12);
    } finally {
      await hook.close();
    }
  });

  it('keeps a hanging run RUNNING', async () => {
    await postJson(`${sandbox.url}/sandbox/runninghub/script`, { outcome: 'hang' });
    const taskId = await run();
    skippedMs += 3_600_000; // an hour later
    expect(await call('outputs', { apiKey: TEST_RUNNINGHUB_KEY, taskId })).toMatchObject({ code: 804 });
  });

  it('accepts an uploaded file name as the image value', async () => {
    const form = new FormData();
    form.set('apiKey', TEST_RUNNINGHUB_KEY);
    form.set('fileType', 'input');
    const photo = await garmentJpeg({ width: 300, height: 400, backdrop: '#eee', top: '#1830d0' });
    form.set('file', new Blob([new Uint8Array(photo)]), 'shirt.jpg');
    const up = (await (
      await fetch(`${sandbox.url}/task/openapi/upload`, { method: 'POST', body: form })
    ).json()) as RhResponse;
    expect(up).toMatchObject({
      code: 0,
      data: { fileName: expect.stringMatching(/^api\/[0-9a-f]{64}\.jpg$/), fileType: 'input' },
    });

    const fileName = (up.data as { fileName: string }).fileName;
    const taskId = await run({ nodeInfoList: nodeInfoList(fileName) });
    expect((await outputsWhenSettled(taskId)).code).toBe(0);
  });

  it('counts run and outputs calls separately', async () => {
    const taskId = await run();
    await outputsWhenSettled(taskId);
    const { calls } = (await (await fetch(`${sandbox.url}/sandbox/calls`)).json()) as { calls: Record<string, number> };
    expect(calls['runninghub:run']).toBe(1);
    expect(calls['runninghub:outputs']).toBeGreaterThanOrEqual(1);
    expect(calls['cos:GetObject']).toBe(1); // the reference image download
  });
});
