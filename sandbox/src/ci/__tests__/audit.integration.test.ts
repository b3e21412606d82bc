import type COS from 'cos-nodejs-sdk-v5';
import { garmentJpeg } from '../../__tests__/images';
import { BUCKET, postJson, startTestSandbox, type TestSandbox } from '../../__tests__/test-sandbox';

/** The fields of `<RecognitionResult>` the audit node reads. */
function field(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

describe('sandbox CI image audit (sensitive-content-recognition)', () => {
  let sandbox: TestSandbox;
  let cos: COS;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    cos = sandbox.cosClient();
    const photo = await garmentJpeg({ width: 300, height: 400, backdrop: '#999', top: '#c02020' });
    await cos.putObject({ ...BUCKET, Key: 'input/u1/a.jpg', Body: photo });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => postJson(`${sandbox.url}/sandbox/reset`, {}));

  const audit = async (key = 'input/u1/a.jpg') => {
    const url = cos.getObjectUrl(
      { ...BUCKET, Key: key, Sign: true, Query: { 'ci-process': 'sensitive-content-recognition' } },
      () => undefined,
    );
    const res = await fetch(url);
    return { status: res.status, xml: await res.text() };
  };
  const script = (body: object) => postJson(`${sandbox.url}/sandbox/ci/audit/script`, body);

  it('passes an image by default: Result 0, Label Normal, Score 0, counted as ci:audit', async () => {
    const { status, xml } = await audit();
    expect(status).toBe(200);
    expect(xml).toContain('<RecognitionResult>');
    expect([field(xml, 'State'), field(xml, 'Result'), field(xml, 'Label'), field(xml, 'Score')]).toEqual([
      'Success',
      '0',
      'Normal',
      '0',
    ]);
    expect(field(xml, 'Object')).toBe('input/u1/a.jpg');
    const { calls } = (await (await fetch(`${sandbox.url}/sandbox/calls`)).json()) as { calls: Record<string, number> };
    expect(calls['ci:audit']).toBe(1);
  });

  it('rejects as scripted, with the score in the label’s own block, for the scripted number of calls', async () => {
    expect((await script({ outcome: 'reject', score: 97, label: 'Ads', times: 2 })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const { xml } = await audit();
      expect([field(xml, 'Result'), field(xml, 'Label'), field(xml, 'Score')]).toEqual(['1', 'Ads', '97']);
      expect(/<AdsInfo><HitFlag>1<\/HitFlag><Score>97<\/Score>/.test(xml)).toBe(true);
    }
    expect(field((await audit()).xml, 'Label')).toBe('Normal');
  });

  it('a scripted pass may carry a low risk score; a scripted error is HTTP 500 InternalError', async () => {
    await script({ outcome: 'pass', score: 40 });
    const passed = (await audit()).xml;
    expect([field(passed, 'Result'), field(passed, 'Label')]).toEqual(['0', 'Normal']);
    expect(/<PornInfo><HitFlag>0<\/HitFlag><Score>40<\/Score>/.test(passed)).toBe(true);

    await script({ outcome: 'error' });
    const failed = await audit();
    expect(failed.status).toBe(500);
    expect(field(failed.xml, 'Code')).toBe('InternalError');
    expect((await audit()).status).toBe(200);
  });

  it('answers 404 NoSuchKey for a missing object and refuses a malformed script', async () => {
    const missing = await audit('input/u1/none.jpg');
    expect([missing.status, field(missing.xml, 'Code')]).toEqual([404, 'NoSuchKey']);
    expect((await script({ outcome: 'maybe' })).status).toBe(400);
    expect((await script({ outcome: 'reject', score: 101 })).status).toBe(400);
  });
});
