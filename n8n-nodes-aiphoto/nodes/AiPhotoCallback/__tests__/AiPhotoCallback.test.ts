import nock from 'nock';
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { verifySignedMessage } from '../../../common/signature';
import { captureHeader, fakeExecuteContext } from '../../../test-helpers/fake-context';
import { AiPhotoCallback } from '../AiPhotoCallback.node';

const BACKEND = 'http://127.0.0.1:3000';
const PATH = '/api/v1/internal/n8n/callback';
const aiPhotoApi = { baseUrl: `${BACKEND}/`, sharedSecret: 'cb-secret' };
const fast = { options: { maxTries: 3, retryDelayMs: 0 } };

function run(parameters: IDataObject, continueOnFail = false) {
  const context = fakeExecuteContext({
    parameters: { ...fast, ...parameters },
    credentials: { aiPhotoApi },
    continueOnFail,
  });
  return new AiPhotoCallback().execute.call(context);
}

describe('AI Photo Callback node', () => {
  afterEach(() => nock.cleanAll());

  it('posts a signed progress event with only the progress field', async () => {
    let body: IDataObject = {};
    const headers: Record<string, string> = {};
    nock(BACKEND)
      .post(PATH, (sent: IDataObject) => Boolean((body = sent)))
      .matchHeader('x-aiphoto-signature', captureHeader(headers, 'x-aiphoto-signature'))
      .matchHeader('x-aiphoto-timestamp', captureHeader(headers, 'x-aiphoto-timestamp'))
      .matchHeader('x-aiphoto-nonce', captureHeader(headers, 'x-aiphoto-nonce'))
      .matchHeader('content-type', 'application/json')
      .reply(200, { ok: true });
    const [[item]] = await run({ taskId: 't1', event: 'progress', progress: 140, vendorTaskId: '1911' });
    expect(body).toEqual({ taskId: 't1', event: 'progress', vendorTaskId: '1911', progress: 100 });
    expect(
      verifySignedMessage({ secret: 'cb-secret', purpose: 'callback', rawBody: JSON.stringify(body), headers }),
    ).toEqual({ ok: true, version: 'v2' });
    expect(headers['x-aiphoto-signature']).toMatch(/^v2=[0-9a-f]{64}$/);
    // Bound to its direction: the same bytes do not verify as a dispatch.
    expect(
      verifySignedMessage({ secret: 'cb-secret', purpose: 'dispatch', rawBody: JSON.stringify(body), headers }),
    ).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(item.json).toMatchObject({ delivered: true, statusCode: 200, attempts: 1 });
  });

  it('sends done with the result keys from an expression (array or JSON text)', async () => {
    let body: IDataObject = {};
    nock(BACKEND)
      .post(PATH, (sent: IDataObject) => Boolean((body = sent)))
      .reply(200, { ok: true });
    await run({
      taskId: 't1',
      event: 'done',
      resultKeys: '["output/u/t1/01.png","output/u/t1/02.png"]',
      vendorTaskId: '',
    });
    expect(body).toEqual({ taskId: 't1', event: 'done', resultKeys: ['output/u/t1/01.png', 'output/u/t1/02.png'] });
  });

  it('sends failed with an error code and message', async () => {
    let body: IDataObject = {};
    nock(BACKEND)
      .post(PATH, (sent: IDataObject) => Boolean((body = sent)))
      .reply(200, { ok: true });
    await run({
      taskId: 't1',
      event: 'failed',
      errorCode: 'VENDOR_FAILED',
      errorMessage: 'KSampler: CUDA out of memory',
    });
    expect(body).toEqual({
      taskId: 't1',
      event: 'failed',
      error: { code: 'VENDOR_FAILED', message: 'KSampler: CUDA out of memory' },
    });
  });

  it("cleans and caps RunningHub's failure text before sending (the backend once refused > 2,000 chars)", async () => {
    let body: IDataObject = {};
    nock(BACKEND)
      .post(PATH, (sent: IDataObject) => Boolean((body = sent)))
      .reply(200, { ok: true, applied: true });
    const failedReason = [
      'ComfyUI node 10 failed:\u0000\u001b[31m',
      'https://rh-images.example.com/out/1.png?Expires=1&Signature=SECRETSIG',
      'Traceback (most recent call last):\n\n\n    File "/app/execution.py", line 151',
      '\u202emoc.elpmaxe',
      'x'.repeat(12_000),
      '😀',
    ].join('   ');
    const [[item]] = await run({
      taskId: 't1',
      event: 'failed',
      errorCode: ' vendor_failed ',
      errorMessage: `RunningHub: ${failedReason}`,
    });
    const error = body.error as { code: string; message: string };
    expect(error.code).toBe('VENDOR_FAILED');
    expect(error.message).toHaveLength(2000);
    expect(error.message.endsWith('…')).toBe(true);
    expect(
      error.message.startsWith(
        'RunningHub: ComfyUI node 10 failed: [31m https://rh-images.example.com/out/1.png?… Traceback',
      ),
    ).toBe(true);
    expect(error.message).toContain('Traceback (most recent call last):\nFile "/app/execution.py", line 151');
    expect(error.message).not.toContain('SECRETSIG');
    // eslint-disable-next-line no-control-regex -- asserting that control characters are gone
    expect(error.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
    expect(item.json).toMatchObject({ delivered: true, attempts: 1 });
  });

  it('does not split a surrogate pair at the cut, and sends a code the backend accepts', async () => {
    const bodies: IDataObject[] = [];
    nock(BACKEND)
      .post(PATH, (sent: IDataObject) => Boolean(bodies.push(sent)))
      .times(2)
      .reply(200, { ok: true, applied: true });
    await run({ taskId: 't1', event: 'failed', errorCode: 'not a code!', errorMessage: `${'a'.repeat(1998)}😀tail` });
    await run({ taskId: 't2', event: 'failed', errorCode: '', errorMessage: '   ' });
    const [cut, empty] = bodies.map((b) => b.error as { code: string; message: string });
    expect(cut).toEqual({ code: 'VENDOR_FAILED', message: `${'a'.repeat(1998)}…` });
    expect(empty).toEqual({ code: 'VENDOR_FAILED', message: 'The vendor failed' });
  });

  it('retries 503 and a dropped connection, each try freshly signed, then succeeds', async () => {
    const nonces: string[] = [];
    const record = (value: string | null) => Boolean(nonces.push(value ?? ''));
    nock(BACKEND)
      .post(PATH)
      .matchHeader('x-aiphoto-nonce', record)
      .reply(503, { error: { code: 'DOWN', message: 'restarting' } });
    nock(BACKEND)
      .post(PATH)
      .matchHeader('x-aiphoto-nonce', record)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    nock(BACKEND).post(PATH).matchHeader('x-aiphoto-nonce', record).reply(200, { ok: true });
    const [[item]] = await run({ taskId: 't1', event: 'done', resultKeys: ['k'] });
    expect(item.json).toMatchObject({ delivered: true, attempts: 3 });
    expect(new Set(nonces).size).toBe(3);
  });

  it('gives up after the configured tries with a message about the watchdog', async () => {
    const scope = nock(BACKEND).post(PATH).times(2).reply(502, 'bad gateway');
    const error = await run({
      taskId: 't1',
      event: 'done',
      resultKeys: ['k'],
      options: { maxTries: 2, retryDelayMs: 0 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as Error).message).toBe('The backend did not accept the callback after 2 tries (HTTP 502)');
    expect(scope.isDone()).toBe(true);
  });

  it('names the network error when the backend stays unreachable', async () => {
    const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    nock(BACKEND).post(PATH).replyWithError(reset());
    nock(BACKEND).post(PATH).replyWithError(reset());
    const error = await run({
      taskId: 't1',
      event: 'done',
      resultKeys: ['k'],
      options: { maxTries: 2, retryDelayMs: 0 },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^The backend did not accept the callback after 2 tries \(.+\)$/);
    expect(nock.isDone()).toBe(true);
  });

  it('does not retry an error that is not a network failure (a TLS certificate problem)', async () => {
    const scope = nock(BACKEND)
      .post(PATH)
      .once()
      .replyWithError(
        Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      );
    await expect(run({ taskId: 't1', event: 'done', resultKeys: ['k'] })).rejects.toThrow();
    expect(scope.isDone()).toBe(true);
  });

  it('does not retry a 401 and explains the shared secret', async () => {
    const scope = nock(BACKEND)
      .post(PATH)
      .once()
      .reply(401, { error: { code: 'SIGNATURE_INVALID', message: 'bad' } });
    const error = (await run({ taskId: 't1', event: 'done', resultKeys: ['k'] }).catch(
      (e: unknown) => e,
    )) as NodeApiError;
    expect(error.message).toBe('The backend rejected the callback signature');
    expect(error.description).toContain('N8N_SHARED_SECRET');
    expect(scope.isDone()).toBe(true);
  });

  it('reports a 400 with the backend’s own message, without retrying', async () => {
    nock(BACKEND)
      .post(PATH)
      .once()
      .reply(400, { error: { code: 'VALIDATION_FAILED', message: 'resultKeys must not be empty' } });
    await expect(run({ taskId: 't1', event: 'done', resultKeys: ['k'] })).rejects.toThrow(
      'The backend refused the callback (HTTP 400): resultKeys must not be empty',
    );
  });

  it('refuses a done event without result keys before sending anything', async () => {
    const error = await run({ taskId: 't1', event: 'done', resultKeys: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toContain('at least one result key');
  });

  it('names its n8n execution and workflow, tags the execution with the task id, and passes on the task state', async () => {
    let body: IDataObject = {};
    nock(BACKEND)
      .post(PATH, (sent: IDataObject) => Boolean((body = sent)))
      .reply(200, { ok: true, applied: false, status: 'canceled' });
    const customData: Record<string, string> = {};
    const context = fakeExecuteContext({
      parameters: { ...fast, taskId: 't9', event: 'progress', progress: 90 },
      credentials: { aiPhotoApi },
      executionId: '4711',
      workflowId: 'wfPose12',
      customData,
    });
    const [[item]] = await new AiPhotoCallback().execute.call(context);
    expect(body).toEqual({
      taskId: 't9',
      event: 'progress',
      executionId: '4711',
      workflowId: 'wfPose12',
      progress: 90,
    });
    expect(customData).toEqual({ taskId: 't9' });
    expect(item.json).toMatchObject({ applied: false, taskStatus: 'canceled', taskActive: false });
  });

  it('treats a task as active when the backend does not say its state (an older backend)', async () => {
    nock(BACKEND).post(PATH).reply(200, { ok: true, applied: true });
    const [[item]] = await run({ taskId: 't1', event: 'progress', progress: 10 });
    expect(item.json).toMatchObject({ applied: true, taskActive: true });
    expect(item.json.taskStatus).toBeUndefined();
  });

  it('stops retrying at once when the execution is stopped, whatever Continue On Fail says', async () => {
    const stop = new AbortController();
    nock(BACKEND)
      .post(PATH)
      .reply(503, () => {
        stop.abort(); // the operator (or the backend's cancel) stops the execution during the first try
        return { error: { code: 'DOWN', message: 'restarting' } };
      });
    const context = fakeExecuteContext({
      parameters: { taskId: 't1', event: 'progress', progress: 10, options: { maxTries: 3, retryDelayMs: 60_000 } },
      credentials: { aiPhotoApi },
      continueOnFail: true,
      cancelSignal: stop.signal,
    });
    await expect(new AiPhotoCallback().execute.call(context)).rejects.toThrow();
    expect(nock.isDone()).toBe(true); // one try only: the 60 s backoff ended with the stop
  });

  it('with Continue On Fail, outputs the error paired with its item', async () => {
    nock(BACKEND).post(PATH).reply(401, {});
    const [[item]] = await run({ taskId: 't1', event: 'progress', progress: 10 }, true);
    expect(item).toEqual({
      json: { error: 'The backend rejected the callback signature', message: expect.any(String) },
      pairedItem: { item: 0 },
    });
  });
});

describe('AI Photo Callback as a tool', () => {
  it('is not offered to AI agents: a tool call could mark any task done', () => {
    expect(new AiPhotoCallback().description.usableAsTool).toBeUndefined();
  });
});
