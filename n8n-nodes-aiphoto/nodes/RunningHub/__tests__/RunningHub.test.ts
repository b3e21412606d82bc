import nock from 'nock';
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { fakeExecuteContext } from '../../../test-helpers/fake-context';
import { RunningHub } from '../RunningHub.node';

const BASE = 'http://127.0.0.1:9400';
const credentials = { apiKey: 'rh-key', baseUrl: BASE, webappId: '1900000000000000001' };
const noDelay = { options: { maxTries: 3, retryDelayMs: 0 } };

function run(parameters: IDataObject, extra: { continueOnFail?: boolean; creds?: IDataObject; binary?: Buffer } = {}) {
  const context = fakeExecuteContext({
    parameters: { ...noDelay, ...parameters },
    credentials: { runningHubApi: { ...credentials, ...extra.creds } },
    continueOnFail: extra.continueOnFail,
    binary: extra.binary
      ? { data: extra.binary, meta: { data: '', mimeType: 'image/png', fileName: 'garment.png' } }
      : undefined,
  });
  return new RunningHub().execute.call(context);
}

const runParams = {
  operation: 'runAiApp',
  prompt: 'studio, dress',
  imageUrl: 'http://127.0.0.1:9400/input/u1/a.jpg?sign=x',
  seed: 123456789,
};
const started = {
  code: 0,
  msg: 'success',
  data: { taskId: '1911', taskStatus: 'QUEUED', promptTips: '{"node_errors":{}}' },
};

describe('RunningHub node', () => {
  afterEach(() => nock.cleanAll());

  it('groups its operations by resource: Task (run, outputs, status) and File (upload)', () => {
    const { properties } = new RunningHub().description;
    const resource = properties.find((p) => p.name === 'resource');
    expect(resource?.default).toBe('task');
    expect(resource?.options?.map((o) => (o as { value: string }).value)).toEqual(['file', 'task']);
    const operationsOf = (value: string) =>
      properties
        .filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(value))
        .flatMap((p) => (p.options ?? []).map((o) => (o as { value: string }).value));
    expect(operationsOf('task')).toEqual(['getOutputs', 'getStatus', 'runAiApp']);
    expect(operationsOf('file')).toEqual(['uploadFile']);
    // Every field of an operation names its resource too, as n8n's own nodes do.
    for (const field of properties.filter((p) => p.displayOptions?.show?.operation)) {
      expect(field.displayOptions?.show?.resource).toHaveLength(1);
    }
  });

  describe('Run AI App', () => {
    it('sends apiKey, webappId and the default node ids 6/text, 10/image, 3/seed', async () => {
      let body: IDataObject = {};
      nock(BASE)
        .post('/task/openapi/ai-app/run', (sent: IDataObject) => Boolean((body = sent)))
        .reply(200, started);
      const [[item]] = await run({ ...runParams, webappId: '' });
      expect(body).toEqual({
        apiKey: 'rh-key',
        webappId: '1900000000000000001',
        nodeInfoList: [
          { nodeId: '6', fieldName: 'text', fieldValue: 'studio, dress' },
          { nodeId: '10', fieldName: 'image', fieldValue: 'http://127.0.0.1:9400/input/u1/a.jpg?sign=x' },
          { nodeId: '3', fieldName: 'seed', fieldValue: '123456789' },
        ],
      });
      expect(item.json).toEqual({ vendorTaskId: '1911', taskStatus: 'QUEUED', webappId: '1900000000000000001' });
    });

    it('uses the node’s webapp id, custom node ids and the webhook URL when given', async () => {
      let body: IDataObject = {};
      nock(BASE)
        .post('/task/openapi/ai-app/run', (sent: IDataObject) => Boolean((body = sent)))
        .reply(200, started);
      await run({
        ...runParams,
        webappId: '42',
        inputNodes: {
          promptNodeId: '12',
          promptFieldName: 'prompt',
          imageNodeId: '7',
          seedNodeId: '9',
          seedFieldName: 'noise_seed',
        },
        webhookUrl: 'http://127.0.0.1:5678/webhook-waiting/77',
      });
      expect(body.webappId).toBe('42');
      expect(body.webhookUrl).toBe('http://127.0.0.1:5678/webhook-waiting/77');
      expect(body.nodeInfoList).toEqual([
        { nodeId: '12', fieldName: 'prompt', fieldValue: 'studio, dress' },
        { nodeId: '7', fieldName: 'image', fieldValue: runParams.imageUrl },
        { nodeId: '9', fieldName: 'noise_seed', fieldValue: '123456789' },
      ]);
    });

    it('runs a named app from the credential’s Named AI Apps, with More Inputs after the usual three', async () => {
      let body: IDataObject = {};
      nock(BASE)
        .post('/task/openapi/ai-app/run', (sent: IDataObject) => Boolean((body = sent)))
        .reply(200, started);
      const [[item]] = await run(
        {
          ...runParams,
          prompt: '',
          seed: '',
          webappId: 'fitting',
          moreInputs: {
            input: [
              { nodeId: '11', fieldName: 'image', value: 'http://127.0.0.1:9400/input/u1/model.jpg?sign=y' },
              { nodeId: '5', fieldName: 'batch_size', value: 3 },
              { nodeId: '7', fieldName: 'unused', value: '' },
            ],
          },
        },
        { creds: { apps: 'fitting = 1900000000000000002,\ntravel=1900000000000000003' } },
      );
      expect(body.webappId).toBe('1900000000000000002');
      expect(body.nodeInfoList).toEqual([
        { nodeId: '10', fieldName: 'image', fieldValue: runParams.imageUrl },
        { nodeId: '11', fieldName: 'image', fieldValue: 'http://127.0.0.1:9400/input/u1/model.jpg?sign=y' },
        { nodeId: '5', fieldName: 'batch_size', fieldValue: '3' },
      ]);
      expect(item.json.webappId).toBe('1900000000000000002');
    });

    it('names the missing app, and a More Inputs row without its node, before calling RunningHub', async () => {
      const scope = nock(BASE).post('/task/openapi/ai-app/run').reply(200, started);
      const unknown = await run({ ...runParams, webappId: 'travel' }, { creds: { apps: 'fitting=1' } }).catch(
        (e: unknown) => e,
      );
      expect(unknown).toBeInstanceOf(NodeOperationError);
      expect((unknown as Error).message).toBe('No AI app named "travel"');
      const halfNamed = await run({
        ...runParams,
        moreInputs: { input: [{ nodeId: '', fieldName: 'image', value: 'x' }] },
      }).catch((e: unknown) => e);
      expect((halfNamed as Error).message).toMatch(/More Inputs, row 1: set both Node ID and Field Name/);
      expect(scope.isDone()).toBe(false);
    });

    it('fails clearly when neither node nor credential names a webapp', async () => {
      const error = await run({ ...runParams, webappId: '' }, { creds: { webappId: '' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeOperationError);
      expect((error as Error).message).toBe('No webapp ID');
    });

    it('retries "queue full" (421) and "no instance" (415) and succeeds on the third try', async () => {
      const scope = nock(BASE)
        .post('/task/openapi/ai-app/run')
        .reply(200, { code: 421, msg: 'TASK_QUEUE_MAXED' })
        .post('/task/openapi/ai-app/run')
        .reply(200, { code: 415, msg: 'TASK_INSTANCE_MAXED' })
        .post('/task/openapi/ai-app/run')
        .reply(200, started);
      const [[item]] = await run(runParams);
      expect(item.json.vendorTaskId).toBe('1911');
      expect(scope.isDone()).toBe(true);
    });

    it('retries a dropped connection and a 503 like the callback does, then succeeds', async () => {
      const scope = nock(BASE)
        .post('/task/openapi/ai-app/run')
        .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
        .post('/task/openapi/ai-app/run')
        .reply(503, 'busy')
        .post('/task/openapi/ai-app/run')
        .reply(200, started);
      const [[item]] = await run(runParams);
      expect(item.json.vendorTaskId).toBe('1911');
      expect(scope.isDone()).toBe(true);
    });

    it('does not retry a 400 without a RunningHub result', async () => {
      const scope = nock(BASE).post('/task/openapi/ai-app/run').once().reply(400, 'bad request');
      await expect(run(runParams)).rejects.toThrow('answered HTTP 400 without a RunningHub result');
      expect(scope.isDone()).toBe(true);
    });

    it('a stopped execution ends the "busy" backoff at once, even with Continue On Fail', async () => {
      const stop = new AbortController();
      const scope = nock(BASE)
        .post('/task/openapi/ai-app/run')
        .reply(200, () => {
          stop.abort(); // the task is canceled while RunningHub says its queue is full
          return { code: 421, msg: 'TASK_QUEUE_MAXED' };
        });
      const context = fakeExecuteContext({
        parameters: { ...runParams, options: { maxTries: 3, retryDelayMs: 60_000 } },
        credentials: { runningHubApi: credentials },
        continueOnFail: true,
        cancelSignal: stop.signal,
      });
      await expect(new RunningHub().execute.call(context)).rejects.toThrow();
      expect(scope.isDone()).toBe(true); // one call; the 60 s wait and the later tries never happen
    });

    it('gives up after the configured number of tries with a readable message', async () => {
      const scope = nock(BASE)
        .post('/task/openapi/ai-app/run')
        .times(2)
        .reply(200, { code: 421, msg: 'TASK_QUEUE_MAXED' });
      const error = (await run({ ...runParams, options: { maxTries: 2, retryDelayMs: 0 } }).catch(
        (e: unknown) => e,
      )) as NodeApiError;
      expect(error).toBeInstanceOf(NodeApiError);
      expect(error.message).toBe("RunningHub's task queue is full (code 421) after 2 tries");
      expect(scope.isDone()).toBe(true);
    });

    it.each([
      [802, 'RunningHub rejected the API key (check the RunningHub credential) (code 802)'],
      [901, 'RunningHub does not know this webapp ID (check the AI app ID) (code 901)'],
      [812, 'The RunningHub account has insufficient funds (code 812)'],
      [999, 'RunningHub answered code 999: odd'],
    ])('maps code %i without retrying', async (code, message) => {
      const scope = nock(BASE).post('/task/openapi/ai-app/run').once().reply(200, { code, msg: 'odd' });
      await expect(run(runParams)).rejects.toThrow(message);
      expect(scope.isDone()).toBe(true);
    });

    it('treats non-empty node_errors in promptTips as an error', async () => {
      nock(BASE)
        .post('/task/openapi/ai-app/run')
        .reply(200, { code: 0, data: { taskId: '1', promptTips: '{"node_errors":{"10":{"errors":["bad image"]}}}' } });
      const error = (await run(runParams).catch((e: unknown) => e)) as NodeApiError;
      expect(error.message).toContain('node errors');
      expect(error.description).toContain('bad image');
    });
  });

  describe('Get Outputs', () => {
    const outputs = (code: number, data: unknown) =>
      nock(BASE)
        .post('/task/openapi/outputs', { apiKey: 'rh-key', taskId: '1911' })
        .reply(200, { code, msg: '', data });

    it('returns state success with the files in order', async () => {
      outputs(0, [
        { fileUrl: 'https://rh-images.example/1.png', fileType: 'png', taskCostTime: '61', nodeId: '20' },
        { fileUrl: 'https://rh-images.example/2.png', fileType: 'png', taskCostTime: '61', nodeId: '20' },
      ]);
      const [[item]] = await run({ operation: 'getOutputs', vendorTaskId: '1911' });
      expect(item.json).toEqual({
        vendorTaskId: '1911',
        state: 'success',
        files: [
          { fileUrl: 'https://rh-images.example/1.png', fileType: 'png', nodeId: '20', taskCostTime: '61' },
          { fileUrl: 'https://rh-images.example/2.png', fileType: 'png', nodeId: '20', taskCostTime: '61' },
        ],
        fileUrls: ['https://rh-images.example/1.png', 'https://rh-images.example/2.png'],
        failedReason: null,
      });
    });

    it.each([
      [804, 'running'],
      [813, 'queued'],
    ])('code %i means %s, not an error', async (code, state) => {
      outputs(code, null);
      const [[item]] = await run({ operation: 'getOutputs', vendorTaskId: '1911' });
      expect(item.json).toMatchObject({ state, files: [], fileUrls: [], failedReason: null });
    });

    it('code 805 is state failed with the node and exception as reason', async () => {
      outputs(805, { failedReason: { node_name: 'KSampler', exception_message: 'CUDA out of memory', node_id: '3' } });
      const [[item]] = await run({ operation: 'getOutputs', vendorTaskId: '1911' });
      expect(item.json).toMatchObject({ state: 'failed', failedReason: 'KSampler: CUDA out of memory' });
    });

    it('an HTTP 500 without a RunningHub body is retried, then reported', async () => {
      nock(BASE).post('/task/openapi/outputs').times(3).reply(500, 'oops');
      await expect(run({ operation: 'getOutputs', vendorTaskId: '1911' })).rejects.toThrow(/answered HTTP 500/);
    });
  });

  it('Get Status returns the vendor status and a lower-case state', async () => {
    nock(BASE)
      .post('/task/openapi/status', { apiKey: 'rh-key', taskId: '1911' })
      .reply(200, { code: 0, data: 'RUNNING' });
    const [[item]] = await run({ operation: 'getStatus', vendorTaskId: '1911' });
    expect(item.json).toEqual({ vendorTaskId: '1911', status: 'RUNNING', state: 'running' });
  });

  it('Upload File sends multipart with apiKey, fileType=input and the file', async () => {
    let contentType = '';
    let raw = '';
    nock(BASE)
      .post('/task/openapi/upload', (body: string) => Boolean((raw = body)))
      .matchHeader('content-type', (value: string | null) => Boolean((contentType = value ?? '')))
      .reply(200, { code: 0, data: { fileName: 'api/abc.png', fileType: 'input' } });
    const [[item]] = await run(
      { operation: 'uploadFile', binaryPropertyName: 'data' },
      { binary: Buffer.from('PNGDATA') },
    );
    expect(item.json).toEqual({ fileName: 'api/abc.png', size: 7 });
    const boundary = /boundary=(.+)$/.exec(contentType)?.[1] ?? '';
    expect(boundary).not.toBe('');
    expect(raw).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="apiKey"\r\n\r\nrh-key\r\n`);
    expect(raw).toContain('name="fileType"\r\n\r\ninput\r\n');
    expect(raw).toContain('name="file"; filename="garment.png"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n');
    expect(raw.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it('with Continue On Fail, keeps going and pairs each output with its item', async () => {
    nock(BASE).post('/task/openapi/status').reply(200, { code: 802, msg: 'APIKEY_UNAUTHORIZED' });
    nock(BASE).post('/task/openapi/status').reply(200, { code: 0, data: 'SUCCESS' });
    const context = fakeExecuteContext({
      parameters: { ...noDelay, operation: 'getStatus' },
      perItem: [{ vendorTaskId: 'a' }, { vendorTaskId: 'b' }],
      items: [{ json: {} }, { json: {} }],
      credentials: { runningHubApi: credentials },
      continueOnFail: true,
    });
    const [items] = await new RunningHub().execute.call(context);
    expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
    expect(items[0].json.error).toContain('rejected the API key');
    expect(items[1].json.state).toBe('success');
  });
});
