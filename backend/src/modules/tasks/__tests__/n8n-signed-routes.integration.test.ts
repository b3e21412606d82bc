import { signMessage } from '../../n8n/signed-message';
import { drivers } from '../../../testing/test-db';
import { wholeBackend, type WholeBackend } from '../../../testing/whole-backend';

jest.setTimeout(90_000);

/** The signed routes n8n calls (docs/architecture.md §6), beyond what the callback suites cover. */
describe.each(drivers)('signed n8n routes on %s', (driver) => {
  let t: WholeBackend;

  beforeAll(async () => {
    t = await wholeBackend(driver);
  });
  afterAll(async () => t?.close());

  const ping = (headers: Record<string, string> = {}) => t.api().get('/api/v1/internal/n8n/ping').set(headers);

  it('ping (the n8n credential test) answers 200 only to a request signed with the shared secret', async () => {
    expect((await ping(signMessage(t.secret, '')).expect(200)).body).toEqual({ ok: true });
    const wrong = await ping(signMessage('not-the-shared-secret', '')).expect(401);
    expect(wrong.body.error.code).toBe('SIGNATURE_INVALID');
    expect((await ping().expect(401)).body.error.code).toBe('SIGNATURE_MISSING');
    // A signed ping is good once: its nonce is remembered.
    const once = signMessage(t.secret, '');
    await ping(once).expect(200);
    expect((await ping(once).expect(401)).body.error.code).toBe('NONCE_REPLAYED');
  });
});
