import { randomBytes } from 'node:crypto';
import { computeLegacySignature, signMessage } from '../../n8n/signed-message';
import { drivers } from '../../../testing/test-db';
import { wholeBackend, type WholeBackend } from '../../../testing/whole-backend';
import { waitFor } from '../../../../../jest/wait-for';

jest.setTimeout(90_000);

/** The signed routes n8n calls (docs/architecture.md §6), beyond what the callback suites cover. */
describe.each(drivers)('signed n8n routes on %s', (driver) => {
  let t: WholeBackend;

  beforeAll(async () => {
    t = await wholeBackend(driver);
  });
  afterAll(async () => t?.close());

  const ping = (headers: Record<string, string> = {}) => t.api().get('/api/v1/internal/n8n/ping').set(headers);
  const postCallback = (rawBody: string, headers: Record<string, string>) =>
    t.api().post('/api/v1/internal/n8n/callback').set('Content-Type', 'application/json').set(headers).send(rawBody);
  /** The unlabelled form older n8n nodes sent (deprecated). */
  const legacyHeaders = (secret: string, rawBody: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    return {
      'X-AiPhoto-Timestamp': timestamp,
      'X-AiPhoto-Nonce': nonce,
      'X-AiPhoto-Signature': computeLegacySignature(secret, timestamp, nonce, rawBody),
    };
  };
  async function dispatchedTask() {
    const m = await t.merchant({ quota: 2 });
    const inputKey = await t.upload(m.id);
    const created = await t
      .api()
      .post('/api/v1/tasks')
      .set('Authorization', `Bearer ${m.token}`)
      .send({ type: 'basic_clean', inputKey })
      .expect(201);
    const taskId = created.body.tasks[0].id as string;
    const dispatch = await waitFor(
      () => t.n8n.received.find((d) => d.body.taskId === taskId),
      (d) => d !== undefined,
      { what: 'the dispatch' },
    );
    return { m, taskId, dispatch: dispatch! };
  }

  it('ping (the n8n credential test) answers 200 only to a request signed with the shared secret', async () => {
    expect((await ping(signMessage(t.secret, 'callback', '')).expect(200)).body).toEqual({ ok: true });
    const wrong = await ping(signMessage('not-the-shared-secret', 'callback', '')).expect(401);
    expect(wrong.body.error.code).toBe('SIGNATURE_INVALID');
    expect((await ping().expect(401)).body.error.code).toBe('SIGNATURE_MISSING');
    // A signed ping is good once: its nonce is remembered.
    const once = signMessage(t.secret, 'callback', '');
    await ping(once).expect(200);
    expect((await ping(once).expect(401)).body.error.code).toBe('NONCE_REPLAYED');
    // Only the labelled form: a dispatch-labelled or unlabelled signature fails the test.
    expect((await ping(signMessage(t.secret, 'dispatch', '')).expect(401)).body.error.code).toBe('SIGNATURE_INVALID');
    expect((await ping(legacyHeaders(t.secret, '')).expect(401)).body.error.code).toBe('SIGNATURE_INVALID');
  });

  it('dispatches are signed for their direction (v2, dispatch label)', async () => {
    const { dispatch } = await dispatchedTask();
    expect(dispatch.signatureOk).toBe(true);
    expect(dispatch.signedHeaders['x-aiphoto-signature']).toMatch(/^v2=[0-9a-f]{64}$/);
  });

  it("refuses a dispatch's signature replayed as a callback, whatever its body says", async () => {
    const { m, taskId, dispatch } = await dispatchedTask();
    // The exact bytes and headers the backend sent to n8n, posted back to the callback route.
    const replayed = await postCallback(dispatch.rawBody, dispatch.signedHeaders).expect(401);
    expect(replayed.body.error.code).toBe('SIGNATURE_INVALID');
    // A callback body under a dispatch-labelled signature (made with the right secret) too.
    const failed = JSON.stringify({ taskId, event: 'failed', error: { code: 'VENDOR_FAILED', message: 'forged' } });
    expect((await postCallback(failed, signMessage(t.secret, 'dispatch', failed)).expect(401)).body.error.code).toBe(
      'SIGNATURE_INVALID',
    );
    const task = await t.api().get(`/api/v1/tasks/${taskId}`).set('Authorization', `Bearer ${m.token}`).expect(200);
    expect(task.body.status).toBe('processing');
    // The callback label is what the route takes.
    await postCallback(failed, signMessage(t.secret, 'callback', failed)).expect(200);
  });

  it('still accepts the deprecated unlabelled v1 callback of older n8n nodes (one release)', async () => {
    const { m, taskId } = await dispatchedTask();
    const done = JSON.stringify({ taskId, event: 'done', resultKeys: [`output/${m.id}/${taskId}/main.jpg`] });
    const answer = await postCallback(done, legacyHeaders(t.secret, done)).expect(200);
    expect(answer.body).toMatchObject({ ok: true, applied: true, status: 'done' });
    expect((await postCallback(done, legacyHeaders('another-secret', done)).expect(401)).body.error.code).toBe(
      'SIGNATURE_INVALID',
    );
  });
});
