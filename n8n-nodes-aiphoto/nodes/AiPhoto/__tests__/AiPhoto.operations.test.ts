import nock from 'nock';
import { NodeHelpers, NodeOperationError, type IDataObject, type INodeProperties } from 'n8n-workflow';

import { fakeExecuteContext } from '../../../test-helpers/fake-context';
import { ACCOUNT, fakeLoadOptionsContext } from '../../../test-helpers/fake-merchant-context';
import { AiPhoto } from '../AiPhoto.node';

const API = 'http://aiphoto.test';
const CDN = 'http://cdn.aiphoto.test';
const auth = { reqheaders: { authorization: 'Bearer ak_test_key' } };

function run(parameters: IDataObject, extra: { continueOnFail?: boolean; nodeType?: string } = {}) {
  const context = fakeExecuteContext({ parameters, credentials: ACCOUNT, ...extra });
  return new AiPhoto().execute.call(context);
}

const done = {
  id: 't9',
  type: 'model_pose12',
  status: 'done',
  resultUrls: [`${CDN}/output/u/t9/01.png?sign=a`, `${CDN}/output/u/t9/02.png?sign=b`],
  inputName: '白T恤.jpg',
  errorCode: null,
  errorReason: null,
};

describe('AI Photo node: reading, cancelling and downloading', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('gets one task', async () => {
    nock(API, auth).get('/api/v1/tasks/t9').reply(200, done);
    const [[out]] = await run({ resource: 'task', operation: 'get', taskId: 't9' });
    expect(out).toEqual({ json: done, pairedItem: { item: 0 } });
  });

  it('gets many tasks through the cursor up to the limit, with the filters', async () => {
    const page = (ids: string[]) => ids.map((id) => ({ ...done, id }));
    nock(API, auth)
      .get('/api/v1/tasks')
      .query({ limit: '3', status: 'done', type: 'model_pose12' })
      .reply(200, { items: page(['a', 'b']), nextCursor: 'c1' })
      .get('/api/v1/tasks')
      .query({ limit: '1', cursor: 'c1', status: 'done', type: 'model_pose12' })
      .reply(200, { items: page(['c']), nextCursor: 'c2' });
    const [out] = await run({
      resource: 'task',
      operation: 'getMany',
      returnAll: false,
      limit: 3,
      filters: { status: 'done', type: 'model_pose12' },
    });
    expect(out.map((o) => [o.json.id, o.pairedItem])).toEqual([
      ['a', { item: 0 }],
      ['b', { item: 0 }],
      ['c', { item: 0 }],
    ]);
  });

  it('cancels a task, but not when running as an AI tool unless allowed', async () => {
    nock(API, auth)
      .post('/api/v1/tasks/t1/cancel')
      .reply(200, { ...done, id: 't1', status: 'canceled' });
    const [[out]] = await run({ resource: 'task', operation: 'cancel', taskId: 't1' });
    expect(out.json).toMatchObject({ id: 't1', status: 'canceled' });

    const asTool = { nodeType: 'n8n-nodes-aiphoto.aiPhotoTool' };
    const refused = await run({ resource: 'task', operation: 'cancel', taskId: 't1' }, asTool).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NodeOperationError);
    expect((refused as Error).message).toBe('Cancel is not allowed for an AI agent');
    nock(API, auth)
      .post('/api/v1/tasks/t1/cancel')
      .reply(200, { ...done, id: 't1', status: 'canceled' });
    await run({ resource: 'task', operation: 'cancel', taskId: 't1', toolAllowCancel: true }, asTool);
  });

  it('downloads the results as one ZIP binary', async () => {
    const zip = Buffer.from('PK\x03\x04zip-bytes');
    nock(API, auth).get('/api/v1/tasks/t9').reply(200, done).get('/api/v1/tasks/t9/download').reply(200, zip, {
      'Content-Type': 'application/zip',
    });
    const [[out]] = await run({
      resource: 'task',
      operation: 'download',
      taskId: 't9',
      downloadAs: 'zip',
      outputBinaryField: 'zip',
    });
    expect(out.json).toEqual({ taskId: 't9', files: 2 });
    expect(out.binary?.zip).toMatchObject({ fileName: '白T恤.zip', mimeType: 'application/zip' });
    expect(Buffer.from(out.binary!.zip.data, 'base64')).toEqual(zip);
  });

  it('downloads each image as its own item from the signed URLs, without the API key', async () => {
    nock(API, auth).get('/api/v1/tasks/t9').reply(200, done);
    nock(CDN, { badheaders: ['authorization'] })
      .get('/output/u/t9/01.png')
      .query({ sign: 'a' })
      .reply(200, Buffer.from('one'), { 'Content-Type': 'image/png' })
      .get('/output/u/t9/02.png')
      .query({ sign: 'b' })
      .reply(200, Buffer.from('two'), { 'Content-Type': 'image/png' });
    const [out] = await run({
      resource: 'task',
      operation: 'download',
      taskId: 't9',
      downloadAs: 'files',
      outputBinaryField: 'data',
    });
    expect(
      out.map((o) => [o.json, o.binary?.data.fileName, Buffer.from(o.binary!.data.data, 'base64').toString()]),
    ).toEqual([
      // Named after the upload, as the portal's downloads are (not `01.png` from the URL).
      [{ taskId: 't9', index: 1, fileName: '白T恤_pose01.png' }, '白T恤_pose01.png', 'one'],
      [{ taskId: 't9', index: 2, fileName: '白T恤_pose02.png' }, '白T恤_pose02.png', 'two'],
    ]);
  });

  it('refuses to download an unfinished task with TASK_NOT_DONE', async () => {
    nock(API, auth)
      .get('/api/v1/tasks/t2')
      .reply(200, { ...done, id: 't2', status: 'processing', resultUrls: [] });
    await expect(
      run({ resource: 'task', operation: 'download', taskId: 't2', downloadAs: 'zip', outputBinaryField: 'data' }),
    ).rejects.toThrow(/TASK_NOT_DONE/);
  });

  it('reads the balance and the membership of the account', async () => {
    const me = {
      id: 'u',
      phone: '138…',
      nickname: null,
      isMember: true,
      quotaRemaining: 42,
      quotaExpireAt: '2030-01-01T00:00:00.000Z',
    };
    nock(API, auth).get('/api/v1/membership/status').twice().reply(200, me);
    const [[balance]] = await run({ resource: 'account', operation: 'getBalance' });
    expect(balance.json).toEqual({ credits: 42, expiresAt: '2030-01-01T00:00:00.000Z', isMember: true });
    const [[membership]] = await run({ resource: 'account', operation: 'getMembership' });
    expect(membership.json).toEqual(me);
  });

  it('names a revoked key in words with its code, or outputs it with Continue On Fail', async () => {
    nock(API)
      .get('/api/v1/membership/status')
      .twice()
      .reply(401, { error: { code: 'INVALID_API_KEY', message: 'The API key is invalid or revoked' } });
    await expect(run({ resource: 'account', operation: 'getBalance' })).rejects.toThrow(
      'The API key is invalid or revoked (INVALID_API_KEY)',
    );
    const [[out]] = await run({ resource: 'account', operation: 'getBalance' }, { continueOnFail: true });
    expect(out.json).toEqual({
      error: 'The API key is invalid or revoked (INVALID_API_KEY)',
      message: expect.stringMatching(/AI Photo account/),
    });
  });
});

describe('AI Photo node: options loaded from the API', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const types = {
    items: [
      {
        key: 'model_pose12',
        name: { zh: 'AI 模特 12 姿势', en: 'AI model, 12 poses' },
        credits: 1,
        outputs: 12,
        inputs: [{ name: 'garment', kind: 'image', label: { zh: '服装图', en: 'Garment photo' } }],
        params: [
          { name: 'scene', kind: 'scene', label: { zh: '场景', en: 'Scene' }, required: true },
          { name: 'category', kind: 'category', label: { zh: '品类', en: 'Category' }, required: true },
        ],
      },
      {
        key: 'fitting',
        name: { zh: '试衣', en: 'Try-on' },
        credits: 2,
        outputs: 4,
        inputs: [
          { name: 'garment', kind: 'image', label: { zh: '服装图', en: 'Garment photo' } },
          { name: 'model', kind: 'image', label: { zh: '模特图', en: 'Model photo' } },
        ],
        params: [
          {
            name: 'pose',
            kind: 'choice',
            label: { zh: '姿势', en: 'Pose' },
            required: false,
            default: 'front',
            options: [{ value: 'front', label: { zh: '正面', en: 'Front' } }],
          },
        ],
      },
    ],
  };

  it('offers the task types AI Photo serves', async () => {
    nock(API, auth).get('/api/v1/task-types').reply(200, types);
    const options = await new AiPhoto().methods.loadOptions.getTaskTypes.call(fakeLoadOptionsContext());
    expect(options.map((o) => o.value)).toEqual(['model_pose12', 'fitting']);
    expect(options[0]).toMatchObject({
      name: 'AI model, 12 poses',
      description: expect.stringMatching(/^AI 模特 12 姿势 · model_pose12: 12 image/),
    });
  });

  it('maps a type’s parameters to fields: catalog scenes and categories, choices, extra image slots', async () => {
    nock(API, auth)
      .get('/api/v1/task-types')
      .twice()
      .reply(200, types)
      .get('/api/v1/scenes')
      .reply(200, { scenes: [{ code: 'studio', name: '影棚' }], categories: [{ code: 'dress', name: '连衣裙' }] });
    const map = new AiPhoto().methods.resourceMapping.getTypeFields;
    const pose = await map.call(fakeLoadOptionsContext({ type: 'model_pose12' }));
    expect(pose.fields).toEqual([
      expect.objectContaining({
        id: 'scene',
        type: 'options',
        required: true,
        options: [{ name: '影棚', value: 'studio' }],
      }),
      expect.objectContaining({ id: 'category', type: 'options', options: [{ name: '连衣裙', value: 'dress' }] }),
    ]);
    const fitting = await map.call(fakeLoadOptionsContext({ type: 'fitting' }));
    expect(fitting.fields).toEqual([
      expect.objectContaining({
        id: 'pose',
        required: false,
        defaultValue: 'front',
        options: [{ name: 'Front', value: 'front' }],
      }),
      expect.objectContaining({ id: 'input:model', type: 'string', required: true }),
    ]);
  });

  it('hides Cancel from an AI agent unless allowed, and shows it otherwise', () => {
    const base = new AiPhoto().description;
    const asTool = { ...base, name: 'aiPhotoTool' };
    const operationsShown = (description: typeof base, values: IDataObject) =>
      description.properties
        .filter((p: INodeProperties) => p.name === 'operation')
        .filter((p) =>
          NodeHelpers.displayParameter({ resource: 'task', ...values }, p, { typeVersion: 1 }, description),
        )
        .flatMap((p) => (p.options ?? []).map((o) => (o as { value: string }).value));
    expect(operationsShown(base, {})).toContain('cancel');
    expect(operationsShown(asTool, { toolAllowCancel: false })).toEqual(['create', 'download', 'get', 'getMany']);
    expect(operationsShown(asTool, { toolAllowCancel: true })).toContain('cancel');
  });
});
