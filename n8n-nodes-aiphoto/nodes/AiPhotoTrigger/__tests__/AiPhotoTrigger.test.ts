import { signMessage } from '../../../common/signature';
import { fakeWebhookContext } from '../../../test-helpers/fake-context';
import { AiPhotoTrigger, dispatchNonces, startedTasks } from '../AiPhotoTrigger.node';

const credentials = { baseUrl: 'http://127.0.0.1:3000', sharedSecret: 'dispatch-secret' };

const dispatch = {
  taskId: 'tsk_trig',
  userId: 'usr_1',
  type: 'basic_clean',
  inputKey: 'input/usr_1/abc.jpg',
  inputUrl: 'http://127.0.0.1:9400/input/usr_1/abc.jpg?sign=1',
  outputPrefix: 'output/usr_1/tsk_trig/',
  params: { scene: 'studio', category: 'dress' },
  deadlineAt: '2026-11-21T12:10:00.000Z',
};

function call(options: { body: string; headers?: Record<string, string>; lazy?: boolean }) {
  const rawBody = Buffer.from(options.body);
  const { context, response } = fakeWebhookContext({
    credentials,
    headers: options.headers ?? signMessage(credentials.sharedSecret, 'dispatch', options.body),
    rawBody: options.lazy ? undefined : rawBody,
    lazyBody: options.lazy ? rawBody : undefined,
  });
  return new AiPhotoTrigger().webhook.call(context).then((result) => ({ result, response }));
}

describe('AI Photo Trigger node', () => {
  it('registers POST /webhook/<path> as a full path with the documented default', () => {
    const { description } = new AiPhotoTrigger();
    expect(description.name).toBe('aiPhotoTrigger');
    expect(description.webhooks).toEqual([
      expect.objectContaining({
        httpMethod: 'POST',
        isFullPath: true,
        path: '={{ $parameter["path"] }}',
        responseMode: 'onReceived',
      }),
    ]);
    expect(description.properties.find((p) => p.name === 'path')?.default).toBe('aiphoto-basic-clean');
  });

  it('answers 202 with the task id and passes the dispatch body on unchanged', async () => {
    const body = JSON.stringify({ ...dispatch, taskId: 'tsk_ok' });
    const { result, response } = await call({ body });
    expect(response).toEqual({ statusCode: 202, body: { accepted: true, taskId: 'tsk_ok' } });
    expect(result.noWebhookResponse).toBe(true);
    expect(result.workflowData).toEqual([[{ json: { ...dispatch, taskId: 'tsk_ok' } }]]);
  });

  it('verifies the raw bytes, spacing included, reading the body itself when n8n did not', async () => {
    const body = `{ "taskId" : "tsk_lazy",\n  "type": "model_pose12" }`;
    const { response, result } = await call({ body, lazy: true });
    expect(response.statusCode).toBe(202);
    expect(result.workflowData?.[0][0].json).toEqual({ taskId: 'tsk_lazy', type: 'model_pose12' });
  });

  it('answers 401 in the API error shape when the request is unsigned', async () => {
    const { response, result } = await call({ body: JSON.stringify(dispatch), headers: {} });
    expect(response).toEqual({
      statusCode: 401,
      body: { error: { code: 'SIGNATURE_MISSING', message: 'The request is not signed' } },
    });
    expect(result).toEqual({ noWebhookResponse: true });
  });

  it('answers 400 to a correctly signed body that is not a task', async () => {
    const { response, result } = await call({ body: '["not","a","task"]' });
    expect(response.statusCode).toBe(400);
    expect((response.body as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    expect(result.workflowData).toBeUndefined();
  });

  it('acknowledges a second dispatch of the same task without starting the workflow again', async () => {
    const body = JSON.stringify({ ...dispatch, taskId: 'tsk_twice' });
    const first = await call({ body });
    expect(first.result.workflowData).toHaveLength(1);
    // A resend carries a fresh nonce and signature: only the task id repeats.
    const second = await call({ body });
    expect(second.response).toEqual({
      statusCode: 202,
      body: { accepted: true, taskId: 'tsk_twice', duplicate: true },
    });
    expect(second.result).toEqual({ noWebhookResponse: true });
  });
});

describe('the trigger memory of this process', () => {
  it('keeps nonces and started tasks bounded in count and time', () => {
    expect(dispatchNonces.limits).toEqual({ maxEntries: 100_000, ttlMs: 600_000 });
    expect(startedTasks.limits).toEqual({ maxEntries: 100_000, ttlMs: 6 * 3600 * 1000 });
    // A flood of distinct valid dispatches: the store stays at its cap.
    const t0 = 1_800_000_000_000;
    for (let i = 0; i <= 100_050; i++) startedTasks.checkAndRemember(`flood-${i}`, t0);
    expect(startedTasks.size).toBe(100_000);
    // After the time to live everything is forgotten on the next use.
    startedTasks.checkAndRemember('later', t0 + 6 * 3600 * 1000 + 1);
    expect(startedTasks.size).toBe(1);
  });
});
