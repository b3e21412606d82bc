import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { signMessage } from '../../../shared/signature';
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

describe('signed messages: callback signer → trigger verifier', () => {
  afterEach(() => nock.cleanAll());

  const done = { taskId: 'tsk_rt', event: 'done', resultKeys: ['output/u1/tsk_rt/main.jpg'] };

  it('a message signed by the callback node is accepted once by the trigger', async () => {
    const captured = await sendCallback(done);
    expect(captured.headers['x-aiphoto-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(JSON.parse(captured.rawBody)).toEqual(done);

    const first = await deliverToTrigger(captured);
    expect(first.response).toEqual({ statusCode: 202, body: { accepted: true, taskId: 'tsk_rt' } });
    expect(first.result.workflowData?.[0][0].json).toEqual(done);

    const replay = await deliverToTrigger(captured);
    expect(replay.response.statusCode).toBe(401);
    expect(replay.response.body).toEqual({ error: { code: 'NONCE_REPLAYED', message: expect.any(String) } });
    expect(replay.result.workflowData).toBeUndefined();
  });

  it('rejects a tampered body', async () => {
    const captured = await sendCallback({ ...done, taskId: 'tsk_tamper' });
    const { response, result } = await deliverToTrigger(captured, captured.rawBody.replace('tsk_tamper', 'tsk_other'));
    expect(response).toEqual({
      statusCode: 401,
      body: { error: { code: 'SIGNATURE_INVALID', message: expect.any(String) } },
    });
    expect(result.workflowData).toBeUndefined();
  });

  it('rejects a stale timestamp even with a correct signature', async () => {
    const body = JSON.stringify({ taskId: 'tsk_old' });
    const headers = signMessage(secret, body, Date.now() - 301_000);
    const { response } = await deliverToTrigger({ headers, rawBody: body });
    expect(response.statusCode).toBe(401);
    expect((response.body as { error: { code: string } }).error.code).toBe('TIMESTAMP_STALE');
  });

  it('rejects a message signed with another secret', async () => {
    const body = JSON.stringify({ taskId: 'tsk_x' });
    const { response } = await deliverToTrigger({ headers: signMessage('not-the-secret', body), rawBody: body });
    expect(response.statusCode).toBe(401);
  });
});
