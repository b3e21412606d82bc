import { randomBytes, randomUUID } from 'crypto';
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { Webhook } from 'standardwebhooks';

import { fakeEventWebhookContext, fakeHookContext } from '../../../test-helpers/fake-merchant-context';
import { AiPhotoEventTrigger } from '../AiPhotoEventTrigger.node';

const API = 'http://aiphoto.test';
const auth = { reqheaders: { authorization: 'Bearer ak_test_key' } };
const HOOK_URL = 'http://n8n.shop.test/webhook/4f0c/aiphoto-events';
const lifecycle = new AiPhotoEventTrigger().webhookMethods.default;

describe('AI Photo Trigger (events): registering its endpoint', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const hook = (staticData: IDataObject, events = ['task.failed', 'task.done']) =>
    fakeHookContext({ webhookUrl: HOOK_URL, events, staticData });

  it('registers the webhook URL with the chosen events and keeps the id and secret in static data', async () => {
    let sent: IDataObject = {};
    nock(API, auth)
      .post('/api/v1/webhooks', (body: IDataObject) => Boolean((sent = body)))
      .reply(201, { id: 'ep1', url: HOOK_URL, events: ['task.done', 'task.failed'], secret: 'whsec_c2VjcmV0' });
    const staticData: IDataObject = {};
    await expect(lifecycle.create.call(hook(staticData))).resolves.toBe(true);
    expect(sent).toEqual({ url: HOOK_URL, events: ['task.done', 'task.failed'] });
    expect(staticData).toEqual({ endpointId: 'ep1', secret: 'whsec_c2VjcmV0' });
  });

  it('finds its endpoint when it still matches, and replaces it when the events changed or it is gone', async () => {
    await expect(lifecycle.checkExists.call(hook({}))).resolves.toBe(false);

    nock(API, auth)
      .get('/api/v1/webhooks/ep1')
      .reply(200, { id: 'ep1', url: HOOK_URL, events: ['task.done', 'task.failed'] });
    const kept: IDataObject = { endpointId: 'ep1', secret: 's' };
    await expect(lifecycle.checkExists.call(hook(kept))).resolves.toBe(true);
    expect(kept.endpointId).toBe('ep1');

    const scope = nock(API, auth)
      .get('/api/v1/webhooks/ep1')
      .reply(200, { id: 'ep1', url: HOOK_URL, events: ['task.done'] })
      .delete('/api/v1/webhooks/ep1')
      .reply(204);
    const changed: IDataObject = { endpointId: 'ep1', secret: 's' };
    await expect(lifecycle.checkExists.call(hook(changed))).resolves.toBe(false);
    expect(scope.isDone()).toBe(true);
    expect(changed).toEqual({});

    nock(API, auth)
      .get('/api/v1/webhooks/ep1')
      .reply(404, { error: { code: 'WEBHOOK_NOT_FOUND', message: 'gone' } });
    const gone: IDataObject = { endpointId: 'ep1', secret: 's' };
    await expect(lifecycle.checkExists.call(hook(gone))).resolves.toBe(false);
    expect(gone).toEqual({});
  });

  it('deletes its endpoint on deactivation; one already gone (or a revoked key) counts as deleted', async () => {
    nock(API, auth).delete('/api/v1/webhooks/ep1').reply(204);
    const active: IDataObject = { endpointId: 'ep1', secret: 's' };
    await expect(lifecycle.delete.call(hook(active))).resolves.toBe(true);
    expect(active).toEqual({});

    nock(API)
      .delete('/api/v1/webhooks/ep2')
      .reply(401, { error: { code: 'INVALID_API_KEY', message: 'revoked' } });
    await expect(lifecycle.delete.call(hook({ endpointId: 'ep2', secret: 's' }))).resolves.toBe(true);

    nock(API)
      .delete('/api/v1/webhooks/ep3')
      .reply(500, { error: { code: 'INTERNAL', message: 'boom' } });
    const kept: IDataObject = { endpointId: 'ep3', secret: 's' };
    await expect(lifecycle.delete.call(hook(kept))).resolves.toBe(false);
    expect(kept.endpointId).toBe('ep3');
  });
});

describe('AI Photo Trigger (events): deliveries', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const event = (type = 'task.done') =>
    JSON.stringify({ id: randomUUID(), type, createdAt: new Date().toISOString(), data: { id: 't1', status: 'done' } });
  /** Signed as AI Photo signs: checked with the Standard Webhooks reference library. */
  const signed = (body: string, when = new Date(), key = secret) => ({
    'webhook-id': (JSON.parse(body) as { id: string }).id,
    'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign((JSON.parse(body) as { id: string }).id, when, body),
  });
  const deliver = (
    body: string,
    headers: Record<string, string>,
    staticData: IDataObject = { endpointId: randomUUID(), secret },
  ) => {
    const { context, response } = fakeEventWebhookContext({
      events: ['task.done', 'task.failed'],
      staticData,
      headers,
      rawBody: Buffer.from(body),
    });
    return new AiPhotoEventTrigger().webhook.call(context).then((result) => ({ result, response }));
  };

  it('starts the workflow with the event when the signature and timestamp verify', async () => {
    const body = event();
    const { result, response } = await deliver(body, signed(body));
    expect(response).toEqual({ statusCode: 200, body: { received: true, started: true } });
    expect(result.workflowData).toEqual([[{ json: JSON.parse(body) }]]);
  });

  it.each([
    ['a changed body', (b: string) => ({ body: b.replace('t1', 't2'), headers: signed(b) }), 'SIGNATURE_INVALID'],
    [
      'another secret',
      (b: string) => ({ body: b, headers: signed(b, new Date(), `whsec_${randomBytes(32).toString('base64')}`) }),
      'SIGNATURE_INVALID',
    ],
    [
      'a stale timestamp',
      (b: string) => ({ body: b, headers: signed(b, new Date(Date.now() - 10 * 60_000)) }),
      'TIMESTAMP_STALE',
    ],
    ['no signature', (b: string) => ({ body: b, headers: {} }), 'SIGNATURE_MISSING'],
  ])('answers 401 and starts nothing for %s', async (_name, make, code) => {
    const { body, headers } = make(event());
    const { result, response } = await deliver(body, headers as Record<string, string>);
    expect(response).toEqual({ statusCode: 401, body: { error: { code, message: expect.any(String) } } });
    expect(result.workflowData).toBeUndefined();
  });

  it('runs once for an event delivered twice, and not for pings or events it did not choose', async () => {
    const staticData = { endpointId: randomUUID(), secret };
    const body = event();
    expect((await deliver(body, signed(body), staticData)).result.workflowData).toHaveLength(1);
    const again = await deliver(body, signed(body), staticData);
    expect(again.response).toEqual({ statusCode: 200, body: { received: true, started: false } });
    expect(again.result.workflowData).toBeUndefined();
    for (const type of ['ping', 'task.canceled']) {
      const other = event(type);
      const { result, response } = await deliver(other, signed(other), staticData);
      expect([response.statusCode, result.workflowData]).toEqual([200, undefined]);
    }
  });

  it('refuses deliveries while it has no registered endpoint', async () => {
    const body = event();
    const { response } = await deliver(body, signed(body), {});
    expect(response).toMatchObject({ statusCode: 401, body: { error: { code: 'NOT_REGISTERED' } } });
  });
});
