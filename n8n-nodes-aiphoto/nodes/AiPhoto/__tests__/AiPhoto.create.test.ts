import nock from 'nock';
import { NodeApiError, NodeOperationError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';

import { fakeExecuteContext } from '../../../test-helpers/fake-context';
import { ACCOUNT } from '../../../test-helpers/fake-merchant-context';
import { AiPhoto } from '../AiPhoto.node';

const API = 'http://aiphoto.test';
const auth = { reqheaders: { authorization: 'Bearer ak_test_key' } };
const fast = { pollSeconds: 0.01, timeoutMinutes: 1 };

const task = (id: string, status: string, extra: IDataObject = {}) => ({
  id,
  type: 'model_pose12',
  status,
  resultUrls: status === 'done' ? [`${API}/r/${id}/01.png`] : [],
  errorCode: null,
  errorReason: null,
  ...extra,
});

function run(
  parameters: IDataObject,
  extra: { items?: INodeExecutionData[]; continueOnFail?: boolean; binary?: Buffer; cancelSignal?: AbortSignal } = {},
) {
  const context = fakeExecuteContext({
    parameters: {
      resource: 'task',
      operation: 'create',
      type: 'model_pose12',
      source: 'url',
      params: { mappingMode: 'defineBelow', value: { scene: 'studio', category: 'dress' } },
      waitForCompletion: true,
      ...parameters,
      createOptions: { ...fast, ...(parameters.createOptions as IDataObject) },
    },
    items: extra.items,
    credentials: ACCOUNT,
    continueOnFail: extra.continueOnFail,
    cancelSignal: extra.cancelSignal,
    binary: extra.binary
      ? { data: extra.binary, meta: { data: '', mimeType: 'image/png', fileName: 'shirt.png' } }
      : undefined,
  });
  return new AiPhoto().execute.call(context);
}

describe('AI Photo node: Task → Create', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('fetches the photo by URL, creates the task with the mapped parameters and waits until it is done', async () => {
    let created: IDataObject = {};
    const api = nock(API, auth)
      .post('/api/v1/uploads/from-url', { url: 'https://shop.example/42.jpg' })
      .reply(201, { key: 'input/u/abc.jpg' })
      .post('/api/v1/tasks', (body: IDataObject) => Boolean((created = body)))
      .reply(201, { batchId: 'b1', tasks: [task('t1', 'queued')] })
      .get('/api/v1/tasks/t1')
      .reply(200, task('t1', 'processing'))
      .get('/api/v1/tasks/t1')
      .reply(200, task('t1', 'done'));
    const [[out]] = await run({ imageUrl: ' https://shop.example/42.jpg ' });
    expect(created).toEqual({
      type: 'model_pose12',
      inputKey: 'input/u/abc.jpg',
      params: { scene: 'studio', category: 'dress' },
    });
    expect(out.json).toMatchObject({ id: 't1', status: 'done', resultUrls: [`${API}/r/t1/01.png`] });
    expect(out.pairedItem).toEqual({ item: 0 });
    expect(api.isDone()).toBe(true);
  });

  it('uploads binary data as multipart and outputs the queued task when not waiting', async () => {
    let upload = '';
    let contentType = '';
    // Headers are matched per scope: this one records the upload's content type.
    nock(API, { reqheaders: { 'content-type': (v) => Boolean((contentType = v ?? '')) } })
      .post('/api/v1/uploads', (body: string) => Boolean((upload = body)))
      .reply(201, { key: 'input/u/bin.png' });
    nock(API, auth)
      .post('/api/v1/tasks', { type: 'basic_clean', inputKey: 'input/u/bin.png', params: {} })
      .reply(201, { batchId: 'b2', tasks: [task('t2', 'queued', { type: 'basic_clean' })] });
    const [[out]] = await run(
      {
        type: 'basic_clean',
        source: 'binary',
        binaryPropertyName: 'data',
        params: { mappingMode: 'defineBelow', value: null },
        waitForCompletion: false,
      },
      { binary: Buffer.from('PNGBYTES') },
    );
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const boundary = contentType.split('boundary=')[1];
    expect(upload).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="shirt.png"\r\nContent-Type: image/png\r\n\r\nPNGBYTES\r\n--${boundary}--\r\n`,
    );
    expect(out.json).toMatchObject({ id: 't2', status: 'queued' });
  });

  it('sends extra image slots (a URL fetched first) as inputs and the idempotency key as a header', async () => {
    let created: IDataObject = {};
    let idempotencyKey = '';
    nock(API, auth)
      .post('/api/v1/uploads/from-url', { url: 'https://shop.example/model.jpg' })
      .reply(201, { key: 'input/u/model.jpg' });
    nock(API, { reqheaders: { 'idempotency-key': (v) => Boolean((idempotencyKey = v ?? '')) } })
      .post('/api/v1/tasks', (body: IDataObject) => Boolean((created = body)))
      .reply(201, { batchId: 'b3', tasks: [task('t3', 'done', { type: 'fitting' })] });
    await run({
      type: 'fitting',
      source: 'key',
      uploadKey: 'input/u/garment.jpg',
      params: {
        mappingMode: 'defineBelow',
        value: {
          'input:model': 'https://shop.example/model.jpg',
          'input:extra': 'input/u/x.jpg',
          pose: 'front',
          note: '',
        },
      },
      createOptions: { idempotencyKey: 'order-7' },
    });
    expect(created).toEqual({
      type: 'fitting',
      inputKey: 'input/u/garment.jpg',
      params: { pose: 'front' },
      inputs: { model: 'input/u/model.jpg', extra: 'input/u/x.jpg' },
    });
    expect(idempotencyKey).toBe('order-7');
  });

  it('waits for every item together and keeps outputs paired with their items', async () => {
    const scope = nock(API, auth);
    for (const id of ['a', 'b']) {
      scope
        .post('/api/v1/uploads/from-url', { url: `https://shop.example/${id}.jpg` })
        .reply(201, { key: `input/u/${id}.jpg` });
      scope
        .post('/api/v1/tasks', (b: IDataObject) => b.inputKey === `input/u/${id}.jpg`)
        .reply(201, { tasks: [task(id, 'queued')] });
    }
    // Each task is asked about once per round: a finishes in the first round, b in the second.
    scope.get('/api/v1/tasks/a').reply(200, task('a', 'done'));
    scope.get('/api/v1/tasks/b').reply(200, task('b', 'processing'));
    scope.get('/api/v1/tasks/b').reply(200, task('b', 'done'));
    const context = fakeExecuteContext({
      parameters: {
        resource: 'task',
        operation: 'create',
        type: 'model_pose12',
        source: 'url',
        params: { mappingMode: 'defineBelow', value: { scene: 'studio', category: 'dress' } },
        waitForCompletion: true,
        createOptions: fast,
      },
      perItem: [{ imageUrl: 'https://shop.example/a.jpg' }, { imageUrl: 'https://shop.example/b.jpg' }],
      items: [{ json: {} }, { json: {} }],
      credentials: ACCOUNT,
    });
    const [out] = await new AiPhoto().execute.call(context);
    expect(out.map((o) => [o.json.id, o.json.status, o.pairedItem])).toEqual([
      ['a', 'done', { item: 0 }],
      ['b', 'done', { item: 1 }],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('turns an API error into a NodeApiError carrying the code and a hint', async () => {
    nock(API, auth)
      .post('/api/v1/uploads/from-url')
      .reply(201, { key: 'input/u/a.jpg' })
      .post('/api/v1/tasks')
      .reply(402, { error: { code: 'QUOTA_EXHAUSTED', message: 'No credits left' } });
    const error = await run({ imageUrl: 'https://shop.example/a.jpg' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).message).toBe('No credits left (QUOTA_EXHAUSTED)');
    expect((error as NodeApiError).description).toMatch(/renew the membership/);
    expect((error as NodeApiError).httpCode).toBe('402');
  });

  it('with Continue On Fail, reports a failed item and goes on with the next', async () => {
    nock(API, auth)
      .post('/api/v1/uploads/from-url', { url: 'http://10.0.0.1/a.jpg' })
      .reply(400, { error: { code: 'URL_PRIVATE', message: 'url: must not point at a private address' } })
      .post('/api/v1/uploads/from-url', { url: 'https://shop.example/b.jpg' })
      .reply(201, { key: 'input/u/b.jpg' })
      .post('/api/v1/tasks')
      .reply(201, { tasks: [task('b', 'failed', { errorCode: 'VENDOR_FAILED', errorReason: 'no garment found' })] });
    const context = fakeExecuteContext({
      parameters: {
        resource: 'task',
        operation: 'create',
        type: 'basic_clean',
        source: 'url',
        params: { mappingMode: 'defineBelow', value: null },
        waitForCompletion: true,
        createOptions: fast,
      },
      perItem: [{ imageUrl: 'http://10.0.0.1/a.jpg' }, { imageUrl: 'https://shop.example/b.jpg' }],
      items: [{ json: {} }, { json: {} }],
      credentials: ACCOUNT,
      continueOnFail: true,
    });
    const [out] = await new AiPhoto().execute.call(context);
    expect(out).toEqual([
      {
        json: {
          error: 'url: must not point at a private address (URL_PRIVATE)',
          message: expect.stringMatching(/public addresses/),
        },
        pairedItem: { item: 0 },
      },
      {
        json: { error: 'Task b failed: no garment found (VENDOR_FAILED)', message: expect.stringMatching(/refunded/) },
        pairedItem: { item: 1 },
      },
    ]);
  });

  it('outputs a failed task as is when "Fail Item When Task Fails" is off', async () => {
    nock(API, auth)
      .post('/api/v1/uploads/from-url')
      .reply(201, { key: 'input/u/a.jpg' })
      .post('/api/v1/tasks')
      .reply(201, { tasks: [task('f', 'failed', { errorCode: 'TIMEOUT' })] });
    const [[out]] = await run({ imageUrl: 'https://shop.example/a.jpg', createOptions: { failOnTaskFailure: false } });
    expect(out.json).toMatchObject({ id: 'f', status: 'failed', errorCode: 'TIMEOUT' });
  });

  it('gives up waiting after the timeout with TIMEOUT_WAITING, the task left running', async () => {
    nock(API, auth)
      .post('/api/v1/uploads/from-url')
      .reply(201, { key: 'input/u/a.jpg' })
      .post('/api/v1/tasks')
      .reply(201, { tasks: [task('slow', 'queued')] })
      .get('/api/v1/tasks/slow')
      .reply(200, task('slow', 'processing'))
      .persist();
    const error = await run({
      imageUrl: 'https://shop.example/a.jpg',
      createOptions: { pollSeconds: 0.01, timeoutMinutes: 0.001 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toBe('Task slow is still processing (TIMEOUT_WAITING)');
  });

  it('stops waiting as soon as the execution is stopped in n8n', async () => {
    const stop = new AbortController();
    nock(API, auth)
      .post('/api/v1/uploads/from-url')
      .reply(201, { key: 'input/u/a.jpg' })
      .post('/api/v1/tasks')
      .reply(() => {
        stop.abort(); // the operator presses "Stop" while the task is queued
        return [201, { tasks: [task('long', 'queued')] }];
      });
    // Without the signal this would sleep a minute before its first poll and wait an hour in all.
    await expect(
      run(
        { imageUrl: 'https://shop.example/a.jpg', createOptions: { pollSeconds: 60, timeoutMinutes: 60 } },
        { cancelSignal: stop.signal },
      ),
    ).rejects.toThrow();
  });
});
