import COS from 'cos-nodejs-sdk-v5';
import nock from 'nock';
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { captureHeader, fakeExecuteContext } from '../../../test-helpers/fake-context';
import { BASIC_CLEAN_RULE, basicCleanRule, ciColor, presetOutput } from '../actions/image/basicClean.operation';
import { TencentCi } from '../TencentCi.node';

const SANDBOX = 'http://127.0.0.1:9400';
const credentials = {
  secretId: 'AKIDci',
  secretKey: 'ci-secret',
  region: 'ap-guangzhou',
  bucket: 'aiphoto-125',
  endpoint: SANDBOX,
};

const uploadResult = (objects: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><UploadResult><OriginalInfo><Key>input/u1/abc.jpg</Key><ImageInfo><Width>3000</Width></ImageInfo></OriginalInfo><ProcessResults>${objects}</ProcessResults></UploadResult>`;
const object = (key: string, w: number, h: number, size: number) =>
  `<Object><Key>${key}</Key><Location>bucket/${key}</Location><Format>jpg</Format><Width>${w}</Width><Height>${h}</Height><Size>${size}</Size></Object>`;

function run(parameters: IDataObject, options: { continueOnFail?: boolean; creds?: typeof credentials } = {}) {
  const context = fakeExecuteContext({
    parameters,
    credentials: { tencentCloudApi: options.creds ?? credentials },
    continueOnFail: options.continueOnFail,
  });
  return new TencentCi().execute.call(context);
}

function expectedAuthorization(authorization: string, picOperations: string, host: string, key: string) {
  const keyTime = new URLSearchParams(authorization).get('q-key-time') ?? '';
  return COS.getAuthorization({
    SecretId: credentials.secretId,
    SecretKey: credentials.secretKey,
    Method: 'POST',
    Key: key,
    Query: { image_process: '' },
    Headers: { host, 'pic-operations': picOperations },
    KeyTime: keyTime,
  });
}

describe('Tencent CI node', () => {
  afterEach(() => nock.cleanAll());

  it('basic_clean sends one signed persistent-processing request and returns the result key and size', async () => {
    const seen = { auth: '', pic: '' };
    nock(SANDBOX)
      .post('/input/u1/abc.jpg')
      .query((query) => Object.keys(query).join() === 'image_process')
      .matchHeader('authorization', captureHeader(seen, 'auth'))
      .matchHeader('pic-operations', captureHeader(seen, 'pic'))
      .reply(200, uploadResult(object('output/u1/t1/main.jpg', 800, 800, 51234)), {
        'Content-Type': 'application/xml',
      });

    const [[item]] = await run({
      operation: 'basicClean',
      inputKey: 'input/u1/abc.jpg',
      outputPrefix: 'output/u1/t1/',
    });

    expect(item.json).toEqual({
      resultKeys: ['output/u1/t1/main.jpg'],
      width: 800,
      height: 800,
      size: 51234,
      format: 'jpg',
    });
    expect(item.pairedItem).toEqual({ item: 0 });
    expect(seen.pic).toBe(
      '{"is_pic_info":1,"rules":[{"fileid":"/output/u1/t1/main.jpg","rule":"imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/jpg/quality/90"}]}',
    );
    expect(seen.auth).toBe(
      expectedAuthorization(seen.auth ?? '', seen.pic ?? '', '127.0.0.1:9400', 'input/u1/abc.jpg'),
    );
    expect(new URLSearchParams(seen.auth).get('q-header-list')).toBe('host;pic-operations');
  });

  it('adds the missing slash to an output prefix and goes to the bucket domain without an endpoint', async () => {
    const host = 'aiphoto-125.cos.ap-guangzhou.myqcloud.com';
    const seen = { auth: '', pic: '' };
    nock(`https://${host}`)
      .post('/input/u1/abc.jpg')
      .query(true)
      .matchHeader('authorization', captureHeader(seen, 'auth'))
      .matchHeader('pic-operations', captureHeader(seen, 'pic'))
      .reply(200, uploadResult(object('output/u1/t2/main.jpg', 800, 600, 10)));
    const [[item]] = await run(
      { operation: 'basicClean', inputKey: 'input/u1/abc.jpg', outputPrefix: 'output/u1/t2' },
      { creds: { ...credentials, endpoint: '' } },
    );
    expect(item.json.resultKeys).toEqual(['output/u1/t2/main.jpg']);
    expect(JSON.parse(seen.pic).rules[0]).toEqual({ fileid: '/output/u1/t2/main.jpg', rule: BASIC_CLEAN_RULE });
    expect(seen.auth).toBe(expectedAuthorization(seen.auth, seen.pic, host, 'input/u1/abc.jpg'));
  });

  it('builds the chain from width, height, padding and quality; the defaults are the documented rule', () => {
    expect(basicCleanRule()).toBe(BASIC_CLEAN_RULE);
    expect(basicCleanRule({ width: 750, height: 1000, padding: 40, quality: 85 })).toBe(
      'imageMogr2/auto-orient|imageView2/1/w/750/h/1000/q/85|ci-process=GoodsMatting&center-layout=1&padding-layout=40x40|imageMogr2/format/jpg/quality/85',
    );
  });

  it('sends the size, margin and quality the node is given (e.g. mapped from the task’s parameters)', async () => {
    const seen = { pic: '' };
    nock(SANDBOX)
      .post('/input/u1/abc.jpg')
      .query(true)
      .matchHeader('pic-operations', captureHeader(seen, 'pic'))
      .reply(200, uploadResult(object('output/u1/t3/main.jpg', 750, 1000, 10)));
    const [[item]] = await run({
      operation: 'basicClean',
      inputKey: 'input/u1/abc.jpg',
      outputPrefix: 'output/u1/t3/',
      width: '750',
      height: 1000,
      padding: 40,
      quality: 85,
    });
    expect(item.json).toMatchObject({ width: 750, height: 1000 });
    expect(JSON.parse(seen.pic).rules[0].rule).toBe(
      basicCleanRule({ width: 750, height: 1000, padding: 40, quality: 85 }),
    );
  });

  it('refuses a size, margin or quality out of range before calling Tencent CI', async () => {
    for (const bad of [{ width: 0 }, { height: 5000 }, { padding: 1001 }, { quality: 101 }, { quality: 'best' }]) {
      const error = await run({
        operation: 'basicClean',
        inputKey: 'input/u1/abc.jpg',
        outputPrefix: 'o/',
        ...bad,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeOperationError);
      expect((error as Error).message).toMatch(/must be a number from \d+ to \d+/);
    }
  });

  it('names presets by <name>_<W>x<H>: the size comes from the value, "transparent…" means PNG', () => {
    expect(presetOutput('taobao_800x800')).toEqual({ width: 800, height: 800, format: 'jpg' });
    expect(presetOutput('pdd_750x1000')).toEqual({ width: 750, height: 1000, format: 'jpg' });
    expect(presetOutput('ratio_3_4_900x1200')).toEqual({ width: 900, height: 1200, format: 'jpg' });
    expect(presetOutput('transparent_800x800')).toEqual({ width: 800, height: 800, format: 'png' });
    for (const bad of ['', 'pdd', '750x1000', 'PDD_750x1000', 'pdd_750x1000x2', 'pdd_7x1000']) {
      expect(presetOutput(bad)).toBeUndefined();
    }
  });

  it('encodes a background colour as Tencent CI wants it: URL-safe Base64 of #RRGGBB', () => {
    expect(ciColor('#ffffff')).toBe('I0ZGRkZGRg');
    expect(ciColor('#F5F5F5')).toBe(Buffer.from('#F5F5F5').toString('base64url'));
    expect(Buffer.from(ciColor('#1E90ff'), 'base64url').toString()).toBe('#1E90FF');
  });

  /** One basic_clean run with the given node parameters; answers what CI was asked for. */
  async function ruleFor(parameters: IDataObject, answer: { key: string; w: number; h: number }) {
    const seen = { pic: '' };
    nock(SANDBOX)
      .post('/input/u1/abc.jpg')
      .query(true)
      .matchHeader('pic-operations', captureHeader(seen, 'pic'))
      .reply(200, uploadResult(object(answer.key, answer.w, answer.h, 10)));
    const [[item]] = await run({
      operation: 'basicClean',
      inputKey: 'input/u1/abc.jpg',
      outputPrefix: 'output/u1/t4/',
      ...parameters,
    });
    const [rule] = JSON.parse(seen.pic).rules as Array<{ fileid: string; rule: string }>;
    return { item: item.json, rule };
  }

  it.each([
    [
      'Taobao/Tmall 800×800 on white',
      { preset: 'taobao_800x800' },
      '/output/u1/t4/main.jpg',
      'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/jpg/quality/90',
    ],
    [
      'JD 800×800 with a 10 % margin',
      { preset: 'jd_800x800', marginPercent: '10' },
      '/output/u1/t4/main.jpg',
      'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1&padding-layout=80x80|imageMogr2/format/jpg/quality/90',
    ],
    [
      'Pinduoduo 750×1000, margin from the shorter side',
      { preset: 'pdd_750x1000', marginPercent: 8 },
      '/output/u1/t4/main.jpg',
      'imageMogr2/auto-orient|imageView2/1/w/750/h/1000/q/90|ci-process=GoodsMatting&center-layout=1&padding-layout=60x60|imageMogr2/format/jpg/quality/90',
    ],
    [
      '3:4 on a light grey background',
      { preset: 'ratio34_900x1200', background: '#f0f0f0' },
      '/output/u1/t4/main.jpg',
      'imageMogr2/auto-orient|imageView2/1/w/900/h/1200/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/thumbnail/900x1200/pad/1/color/I0YwRjBGMA/format/jpg/quality/90',
    ],
    [
      'transparent PNG: no background, written as main.png',
      { preset: 'transparent_800x800', background: '#000000', marginPercent: 5 },
      '/output/u1/t4/main.png',
      'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1&padding-layout=40x40|imageMogr2/format/png',
    ],
    [
      'no preset: the width, height, format fields (empty optional parameters fall back)',
      { preset: '', width: 1000, height: 1000, format: 'png', background: '', marginPercent: '' },
      '/output/u1/t4/main.png',
      'imageMogr2/auto-orient|imageView2/1/w/1000/h/1000/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/png',
    ],
  ])('%s: the rule string and output key sent to Tencent CI', async (_name, parameters, fileid, expected) => {
    const key = fileid.slice(1);
    const { item, rule } = await ruleFor(parameters, { key, w: 800, h: 800 });
    expect(rule).toEqual({ fileid, rule: expected });
    expect(item).toMatchObject({ resultKeys: [key], format: key.endsWith('.png') ? 'png' : 'jpg' });
  });

  it('refuses a malformed preset, format or background before calling Tencent CI', async () => {
    for (const bad of [
      { preset: 'pdd' },
      { preset: 'huge_5000x5000' },
      { format: 'gif' },
      { background: 'white' },
      { background: '#FFF' },
      { marginPercent: 41 },
    ]) {
      const error = await run({
        operation: 'basicClean',
        inputKey: 'input/u1/abc.jpg',
        outputPrefix: 'o/',
        ...bad,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeOperationError);
      expect((error as Error).message).toMatch(/preset|format|background|marginPercent/);
    }
  });

  it('apply rule returns every processed object when CI answers with several', async () => {
    nock(SANDBOX)
      .post('/input/u1/abc.jpg')
      .query(true)
      .reply(200, uploadResult(object('/o/a.jpg', 100, 50, 7) + object('o/b.jpg', 10, 5, 3)));
    const [[item]] = await run({
      operation: 'applyRule',
      inputKey: 'input/u1/abc.jpg',
      outputKey: 'o/a.jpg',
      rule: 'imageMogr2/thumbnail/100x',
    });
    expect(item.json).toEqual({ resultKeys: ['o/a.jpg', 'o/b.jpg'], width: 100, height: 50, size: 7, format: 'jpg' });
  });

  it('throws a NodeApiError (not a generic error) for a COS error answer', async () => {
    nock(SANDBOX)
      .post('/input/u1/missing.jpg')
      .query(true)
      .reply(
        404,
        '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>req-1</RequestId></Error>',
      );
    const promise = run({ operation: 'basicClean', inputKey: 'input/u1/missing.jpg', outputPrefix: 'output/u1/t1/' });
    await expect(promise).rejects.toBeInstanceOf(NodeApiError);
  });

  it('names the object and the cause in the error message', async () => {
    nock(SANDBOX)
      .post('/input/u1/missing.jpg')
      .query(true)
      .reply(
        404,
        '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>req-1</RequestId></Error>',
      );
    const error = (await run({ operation: 'basicClean', inputKey: 'input/u1/missing.jpg', outputPrefix: 'o/' }).catch(
      (e: unknown) => e,
    )) as NodeApiError;
    expect(error.message).toBe(
      'Tencent CI processing of input/u1/missing.jpg failed: The object does not exist in the bucket (check the input key)',
    );
    expect(error.description).toContain('NoSuchKey');
    expect(error.description).toContain('req-1');
    expect(error.httpCode).toBe('404');
  });

  it('maps a signature error to a hint about the SecretKey', async () => {
    nock(SANDBOX)
      .post('/input/u1/abc.jpg')
      .query(true)
      .reply(403, '<Error><Code>SignatureDoesNotMatch</Code><Message>sig</Message></Error>');
    const error = (await run({ operation: 'basicClean', inputKey: 'input/u1/abc.jpg', outputPrefix: 'o/' }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain('check the SecretKey');
  });

  it('reports a 200 answer without processed objects as an error', async () => {
    nock(SANDBOX).post('/input/u1/abc.jpg').query(true).reply(200, '<UploadResult><OriginalInfo/></UploadResult>');
    await expect(run({ operation: 'basicClean', inputKey: 'input/u1/abc.jpg', outputPrefix: 'o/' })).rejects.toThrow(
      /reported no processed image/,
    );
  });

  it('with Continue On Fail, outputs the error for the item instead of stopping', async () => {
    nock(SANDBOX)
      .post('/input/u1/abc.jpg')
      .query(true)
      .reply(500, '<Error><Code>InternalError</Code><Message>boom</Message></Error>');
    const [[item]] = await run(
      { operation: 'basicClean', inputKey: 'input/u1/abc.jpg', outputPrefix: 'o/' },
      { continueOnFail: true },
    );
    expect(item.json.error).toContain('Tencent Cloud had an internal error');
    // basic_clean's CI node is set to "Continue (using error output)": n8n moves an item to the
    // error output only when its json is exactly { error } or { error, message }.
    expect([['error'], ['error', 'message']]).toContainEqual(Object.keys(item.json).sort());
    expect(item.pairedItem).toEqual({ item: 0 });
  });

  it('rejects an empty input key with a NodeOperationError for that item, before any request', async () => {
    const error = (await run({ operation: 'basicClean', inputKey: ' ', outputPrefix: 'o/' }).catch(
      (e: unknown) => e,
    )) as NodeOperationError;
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe('Input Key is empty');
    expect(error.context.itemIndex).toBe(0);
  });
});

describe('Tencent CI node: image audit', () => {
  afterEach(() => nock.cleanAll());

  const recognition = (body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><RecognitionResult><JobId>si1</JobId><State>Success</State>${body}</RecognitionResult>`;
  const normal = recognition(
    '<Result>0</Result><Label>Normal</Label><Score>98</Score><PornInfo><HitFlag>0</HitFlag><Score>12</Score></PornInfo>',
  );
  const porn = recognition(
    '<Result>1</Result><Label>Porn</Label><SubLabel>SexBehavior</SubLabel><Score>93</Score><PornInfo><HitFlag>1</HitFlag><Score>93</Score></PornInfo><AdsInfo><HitFlag>0</HitFlag><Score>0</Score></AdsInfo>',
  );
  const audit = (key: string) =>
    nock(SANDBOX)
      .get(`/${key}`)
      .query((q) => q['ci-process'] === 'sensitive-content-recognition' && Object.keys(q).length === 1)
      .matchHeader(
        'authorization',
        (v) => /q-url-param-list=ci-process/.test(String(v)) && /q-signature=/.test(String(v)),
      );

  it('audits every key with one signed GET each; Normal’s own confidence never counts as risk', async () => {
    const garment = audit('input/u1/g.jpg').reply(200, normal);
    const model = audit('input/u1/m.jpg').reply(200, normal);
    const [[item]] = await run({
      operation: 'auditImage',
      objectKeys: ['input/u1/g.jpg', 'input/u1/m.jpg', 'input/u1/g.jpg'],
      threshold: 85,
    });
    expect(garment.isDone() && model.isDone()).toBe(true);
    expect(item.json).toMatchObject({ passed: true, score: 12, threshold: 85, label: 'Normal' });
    expect((item.json.results as IDataObject[]).map((r) => r.key)).toEqual(['input/u1/g.jpg', 'input/u1/m.jpg']);
  });

  it('fails the audit when the worst image’s risk score is over the threshold, naming it', async () => {
    audit('input/u1/g.jpg').reply(200, normal);
    audit('input/u1/m.jpg').reply(200, porn);
    const [[item]] = await run({
      operation: 'auditImage',
      objectKeys: 'input/u1/g.jpg, input/u1/m.jpg',
      threshold: 90,
    });
    expect(item.json).toMatchObject({ passed: false, score: 93, label: 'Porn', key: 'input/u1/m.jpg', threshold: 90 });
    // At the threshold exactly the image passes: only a score over it fails.
    audit('input/u1/m.jpg').reply(200, porn);
    const [[atThreshold]] = await run({ operation: 'auditImage', objectKeys: 'input/u1/m.jpg', threshold: 93 });
    expect(atThreshold.json.passed).toBe(true);
  });

  it('passes a policy (biz-type) along when set', async () => {
    const scope = nock(SANDBOX)
      .get('/input/u1/g.jpg')
      .query({ 'ci-process': 'sensitive-content-recognition', 'biz-type': 'b81d45f94b91a683255e9a9506f45a11' })
      .reply(200, normal);
    await run({
      operation: 'auditImage',
      objectKeys: 'input/u1/g.jpg',
      threshold: 85,
      bizType: 'b81d45f94b91a683255e9a9506f45a11',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('a vendor error or a failed job is an error (an error item with Continue On Fail), not a verdict', async () => {
    audit('input/u1/g.jpg').reply(
      500,
      '<?xml version="1.0"?><Error><Code>InternalError</Code><Message>boom</Message></Error>',
    );
    await expect(run({ operation: 'auditImage', objectKeys: 'input/u1/g.jpg', threshold: 85 })).rejects.toBeInstanceOf(
      NodeApiError,
    );
    audit('input/u1/g.jpg').reply(
      200,
      recognition('<State>Failed</State><Code>DownloadFailed</Code>').replace('<State>Success</State>', ''),
    );
    const [[item]] = await run(
      { operation: 'auditImage', objectKeys: 'input/u1/g.jpg', threshold: 85 },
      { continueOnFail: true },
    );
    expect(item.json).toEqual({
      error: expect.stringMatching(/audit of input\/u1\/g\.jpg: the audit job ended Failed/),
    });
    const empty = await run({ operation: 'auditImage', objectKeys: [], threshold: 85 }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(NodeOperationError);
  });
});
