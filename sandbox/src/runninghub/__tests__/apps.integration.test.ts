import { createHash } from 'node:crypto';
import { garmentJpeg, pixels } from '../../__tests__/images';
import { waitFor } from '../../../../jest/wait-for';
import {
  BUCKET,
  postJson,
  startTestSandbox,
  TEST_RUNNINGHUB_KEY,
  type TestSandbox,
} from '../../__tests__/test-sandbox';
import { GARMENT_BOX, sceneColour, WEBAPP_IDS } from '../apps';

interface RhResponse {
  code: number;
  msg: string;
  data: unknown;
}

type Rgb = [number, number, number];
const near = (actual: number[], expected: Rgb, tolerance = 12) =>
  expected.every((v, i) => Math.abs(actual[i] - v) <= tolerance);

/** The fitting (virtual try-on) and travel apps of the sandbox's RunningHub. */
describe('sandbox RunningHub: fitting and travel apps', () => {
  let sandbox: TestSandbox;
  let garmentUrl: string;
  let modelUrl: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const cos = sandbox.cosClient();
    const url = (Key: string) => cos.getObjectUrl({ ...BUCKET, Key, Sign: true, Expires: 3600 }, () => undefined);
    // A red garment on grey, and a "model photo" that is plain blue: each input's colour is known.
    await cos.putObject({
      ...BUCKET,
      Key: 'input/u1/garment.jpg',
      Body: await garmentJpeg({ width: 600, height: 800, backdrop: '#d01818', top: '#d01818' }),
    });
    await cos.putObject({
      ...BUCKET,
      Key: 'input/u1/model.jpg',
      Body: await garmentJpeg({ width: 600, height: 800, backdrop: '#1830d0', top: '#1830d0' }),
    });
    garmentUrl = url('input/u1/garment.jpg');
    modelUrl = url('input/u1/model.jpg');
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => postJson(`${sandbox.url}/sandbox/reset`, {}));

  const call = async (path: string, body: unknown) =>
    (await postJson(`${sandbox.url}/task/openapi/${path}`, body)).json as RhResponse;

  async function run(webappId: string, nodeInfoList: unknown[]): Promise<RhResponse> {
    return call('ai-app/run', { apiKey: TEST_RUNNINGHUB_KEY, webappId, nodeInfoList });
  }

  async function images(taskId: string): Promise<Buffer[]> {
    const out = await waitFor(
      () => call('outputs', { apiKey: TEST_RUNNINGHUB_KEY, taskId }),
      (res) => res.code !== 804 && res.code !== 813,
      { what: `task ${taskId} settled` },
    );
    expect(out.code).toBe(0);
    const files = out.data as Array<{ fileUrl: string }>;
    return Promise.all(files.map(async (f) => Buffer.from(await (await fetch(f.fileUrl)).arrayBuffer())));
  }

  const taskIdOf = (res: RhResponse) => {
    expect(res.code).toBe(0);
    return (res.data as { taskId: string }).taskId;
  };
  const distinct = (bodies: Buffer[]) => new Set(bodies.map((b) => createHash('sha256').update(b).digest('hex'))).size;
  const centre = { x: GARMENT_BOX.left + GARMENT_BOX.width / 2, y: GARMENT_BOX.top + GARMENT_BOX.height / 2 };

  const fittingInputs = (count?: number) => [
    { nodeId: '10', fieldName: 'image', fieldValue: garmentUrl },
    { nodeId: '11', fieldName: 'image', fieldValue: modelUrl },
    ...(count === undefined ? [] : [{ nodeId: '5', fieldName: 'batch_size', fieldValue: count }]),
  ];

  it('fitting: batch_size distinct shots, the model photo around the garment', async () => {
    const shots = await images(taskIdOf(await run(WEBAPP_IDS.fitting, fittingInputs(3))));
    expect(shots).toHaveLength(3);
    expect(distinct(shots)).toBe(3);
    for (const shot of shots) {
      const px = await pixels(shot);
      expect([px.width, px.height]).toEqual([576, 768]);
      expect(near(px.at(20, 20), [0x18, 0x30, 0xd0])).toBe(true); // the model photo
      expect(near(px.at(centre.x, centre.y), [0xd0, 0x18, 0x18])).toBe(true); // the garment
    }
  });

  it('fitting: one shot by default; without the model photo or with a bad batch size it does not start (803)', async () => {
    expect(await images(taskIdOf(await run(WEBAPP_IDS.fitting, fittingInputs())))).toHaveLength(1);
    expect(await run(WEBAPP_IDS.fitting, fittingInputs().slice(0, 1))).toMatchObject({
      code: 803,
      msg: expect.stringContaining('model photo'),
      data: null,
    });
    expect(await run(WEBAPP_IDS.fitting, fittingInputs(5))).toMatchObject({ code: 803, data: null });
  });

  it('fitting: refuses a model photo from a foreign host (both images are checked)', async () => {
    const res = await run(WEBAPP_IDS.fitting, [
      { nodeId: '10', fieldName: 'image', fieldValue: garmentUrl },
      { nodeId: '11', fieldName: 'image', fieldValue: 'http://example.com/model.jpg' },
    ]);
    expect(res.code).toBe(301);
  });

  it('travel: the backdrop colour tells the scene (prompt), the garment is on the figure', async () => {
    const beach = 'travel photo, tropical beach, palm trees';
    const alps = 'travel photo, snowy mountain village';
    const inputs = (prompt: string, count: number) => [
      { nodeId: '6', fieldName: 'text', fieldValue: prompt },
      { nodeId: '10', fieldName: 'image', fieldValue: garmentUrl },
      { nodeId: '3', fieldName: 'seed', fieldValue: 42 },
      { nodeId: '5', fieldName: 'batch_size', fieldValue: count },
    ];
    const beachShots = await images(taskIdOf(await run(WEBAPP_IDS.travel, inputs(beach, 4))));
    const alpsShots = await images(taskIdOf(await run(WEBAPP_IDS.travel, inputs(alps, 2))));
    expect([beachShots.length, alpsShots.length]).toEqual([4, 2]);
    expect(distinct(beachShots)).toBe(4);
    for (const [shots, prompt] of [
      [beachShots, beach],
      [alpsShots, alps],
    ] as const) {
      const { r, g, b } = sceneColour(prompt);
      for (const shot of shots) {
        const px = await pixels(shot);
        expect(px.at(20, 20).slice(0, 3)).toEqual([r, g, b]);
        expect(near(px.at(centre.x, centre.y), [0xd0, 0x18, 0x18])).toBe(true);
      }
    }
    expect(sceneColour(beach)).not.toEqual(sceneColour(alps));
    // Four shots when the app is not told how many.
    expect(await images(taskIdOf(await run(WEBAPP_IDS.travel, inputs(beach, 4).slice(0, 3))))).toHaveLength(4);
    expect(await run(WEBAPP_IDS.travel, inputs(beach, 4).slice(1))).toMatchObject({ code: 803 });
  });

  it('the same fail and hang scripting applies to the new apps', async () => {
    await postJson(`${sandbox.url}/sandbox/runninghub/script`, { outcome: 'fail' });
    const failed = taskIdOf(await run(WEBAPP_IDS.fitting, fittingInputs(2)));
    const out = await waitFor(
      () => call('outputs', { apiKey: TEST_RUNNINGHUB_KEY, taskId: failed }),
      (res) => res.code !== 804 && res.code !== 813,
    );
    expect(out).toMatchObject({ code: 805, data: { failedReason: { exception_message: expect.any(String) } } });

    await postJson(`${sandbox.url}/sandbox/runninghub/script`, { outcome: 'hang' });
    const hung = taskIdOf(
      await run(WEBAPP_IDS.travel, [
        { nodeId: '6', fieldName: 'text', fieldValue: 'beach' },
        { nodeId: '10', fieldName: 'image', fieldValue: garmentUrl },
      ]),
    );
    // A hang stays RUNNING while a later, unscripted run of the same app finishes.
    const later = taskIdOf(await run(WEBAPP_IDS.fitting, fittingInputs(1)));
    expect(await images(later)).toHaveLength(1);
    expect(await call('outputs', { apiKey: TEST_RUNNINGHUB_KEY, taskId: hung })).toMatchObject({ code: 804 });
  });
});
