import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { computeLegacySignature, signMessage } from '../../../common/signature';
import { captureHeader, fakeExecuteContext, fakeWebhookContext } from '../../../test-helpers/fake-context';
import { AiPhotoTrigger } from '../../AiPhotoTrigger/AiPhotoTrigger.node';
import { AiPhotoCallback } from '../AiPhotoCallback.node';

const BACKEND = 'http://127.0.0.1:3000';
const secret = 'round-trip-secret';
const aiPhotoApi = { baseUrl: BACKEND, sharedSecret: secret };

interface Captured {
  headers: Record<string, string>;
  rawBody: string;
}

/** Runs the callback node against a nock backend and returns the exact bytes and headers it sent. */
async function sendCallback(parameters: IDataObject): Promise<Captured> {
  const captured: Captured = { headers: {}, rawBody: '' };
  // nock hands JSON bodies over parsed; the signer sent JSON.stringify output, which this reproduces byte for byte.
  const scope = nock(BACKEND).post('/api/v1/internal/n8n/callback', (body: IDataObject) =>
    Boolean((captured.rawBody = JSON.stringify(body))),
  );
  for (const name of ['x-aiphoto-timestamp', 'x-aiphoto-nonce', 'x-aiphoto-signature']) {
    scope.matchHeader(name, captureHeader(captured.headers, name));
  }
  scope.reply(200, { ok: true });
  const context = fakeExecuteContext({ parameters, credentials: { aiPhotoApi } });
  await new AiPhotoCallback().execute.call(context);
  return captured;
}

async function deliverToTrigger(captured: Captured, body: string = captured.rawBody) {
  const { context, response } = fakeWebhookContext({
    credentials: aiPhotoApi,
    headers: captured.headers,
    rawBody: Buffer.from(body),
  });
  const result = await new AiPhotoTrigger().webhook.call(context);
  return { result, response };
}

describe('signed messages: the two directions are labelled', () => {
  afterEach(() => nock.cleanAll());

  const done = { taskId: 'tsk_rt', event: 'done', resultKeys: ['output/u1/tsk_rt/main.jpg'] };
  const dispatch = { taskId: 'tsk_rt', userId: 'u1', type: 'basic_clean', outputPrefix: 'output/u1/tsk_rt/' };

  it("a callback signed by the callback node is refused by the trigger: n8n's own messages cannot start a run", async () => {
    const captured = await sendCallback(done);
    expect(captured.headers['x-aiphoto-signature']).toMatch(/^v2=[0-9a-f]{64}$/);
    expect(JSON.parse(captured.rawBody)).toEqual(done);
    const { response, result } = await deliverToTrigger(captured);
    expect(response).toEqual({
      statusCode: 401,
      body: { error: { code: 'SIGNATURE_INVALID', message: expect.any(String) } },
    });
    expect(result.workflowData).toBeUndefined();
  });

  it('a dispatch signed with the shared secret is accepted once by the trigger', async () => {
    const rawBody = JSON.stringify(dispatch);
    const headers = signMessage(secret, 'dispatch', rawBody);
    const first = await deliverToTrigger({ headers, rawBody });
    expect(first.response).toEqual({ statusCode: 202, body: { accepted: true, taskId: 'tsk_rt' } });
    expect(first.result.workflowData?.[0][0].json).toEqual(dispatch);
    const replay = await deliverToTrigger({ headers, rawBody });
    expect(replay.response.statusCode).toBe(401);
    expect(replay.response.body).toEqual({ error: { code: 'NONCE_REPLAYED', message: expect.any(String) } });
    expect(replay.result.workflowData).toBeUndefined();
  });

  it('accepts the deprecated unlabelled v1 dispatch of an older backend, for one release', async () => {
    const rawBody = JSON.stringify({ ...dispatch, taskId: 'tsk_v1' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = 'ab'.repeat(16);
    const headers = {
      'X-AiPhoto-Timestamp': timestamp,
      'X-AiPhoto-Nonce': nonce,
      'X-AiPhoto-Signature': computeLegacySignature(secret, timestamp, nonce, rawBody),
    };
    const { response } = await deliverToTrigger({ headers, rawBody });
    expect(response).toEqual({ statusCode: 202, body: { accepted: true, taskId: 'tsk_v1' } });
  });

  it('rejects a tampered body', async () => {
    const rawBody = JSON.stringify({ ...dispatch, taskId: 'tsk_tamper' });
    const headers = signMessage(secret, 'dispatch', rawBody);
    const { response, result } = await deliverToTrigger({
      headers,
      rawBody: rawBody.replace('tsk_tamper', 'tsk_other'),
    });
    expect(response).toEqual({
      statusCode: 401,
      body: { error: { code: 'SIGNATURE_INVALID', message: expect.any(String) } },
    });
    expect(result.workflowData).toBeUndefined();
  });

  it('rejects a stale timestamp even with a correct signature', async () => {
    const body = JSON.stringify({ taskId: 'tsk_old' });
    const headers = signMessage(secret, 'dispatch', body, Date.now() - 301_000);
    const { response } = await deliverToTrigger({ headers, rawBody: body });
    expect(response.statusCode).toBe(401);
    expect((response.body as { error: { code: string } }).error.code).toBe('TIMESTAMP_STALE');
  });

  it('rejects a message signed with another secret', async () => {
    const body = JSON.stringify({ taskId: 'tsk_x' });
    const { response } = await deliverToTrigger({
      headers: signMessage('not-the-secret', 'dispatch', body),
      rawBody: body,
    });
    expect(response.statusCode).toBe(401);
  });
});
