import { sendWebhook } from '../../modules/automation/webhook-sender';
import { assertPublicUrl, isInternalAddress } from '../public-url-guard';

const assertWebhookUrl = (raw: string, allowPrivate: boolean) =>
  assertPublicUrl(raw, { allowPrivate, code: 'WEBHOOK_URL_PRIVATE' });

describe('SSRF guard for merchant-chosen URLs', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.5', true],
    ['172.20.1.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:7f00:1', true],
    ['not-an-ip', true],
    ['93.184.216.34', false],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['2606:4700::1111', false],
  ])('%s is internal: %s', (address, internal) => {
    expect(isInternalAddress(address)).toBe(internal);
  });

  it('accepts only http(s) URLs without credentials, whatever the private-address setting', async () => {
    await expect(assertWebhookUrl('ftp://example.com/', true)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(assertWebhookUrl('https://user:pw@example.com/', true)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(assertWebhookUrl('not a url', true)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(assertWebhookUrl('http://2130706433/', false)).rejects.toMatchObject({ code: 'WEBHOOK_URL_PRIVATE' });
    await expect(assertWebhookUrl('http://127.0.0.1:3000/hook', true)).resolves.toBeInstanceOf(URL);
  });

  it('refuses internal targets again at send time (addresses and names that resolve to them)', async () => {
    const options = { timeoutMs: 2000, allowPrivate: false };
    const meta = { eventId: 'e1', eventType: 'ping', deliveryId: 'd1' };
    const literal = await sendWebhook('http://127.0.0.1:9/hook', 'secret', '{}', meta, options);
    expect(literal).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/internal address/) });
    const named = await sendWebhook('http://localhost:9/hook', 'secret', '{}', meta, options);
    expect(named).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/internal address/) });
  });
});
