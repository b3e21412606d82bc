import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { startReceiver } from '../../../__tests__/receiver';
import { postJson, startTestSandbox, type TestSandbox } from '../../../__tests__/test-sandbox';

/**
 * The sandbox's Alipay gateway cross-checked with the official alipay-sdk, configured as the
 * backend configures it: the SDK signs every request (the sandbox verifies), verifies every
 * answer (`validateSign`), and checks the async notify and the return parameters
 * (`checkNotifySignV2`). A sandbox that signs or verifies differently from Alipay fails here.
 */
describe('sandbox Alipay gateway against alipay-sdk', () => {
  let sandbox: TestSandbox;
  let sdk: AlipaySdk;
  let merchant: Awaited<ReturnType<typeof startReceiver>>;

  const client = (privateKey: string) =>
    new AlipaySdk({
      appId: sandbox.keys.alipay.appId,
      privateKey,
      alipayPublicKey: sandbox.keys.alipay.alipayPublicKeyPem,
      gateway: `${sandbox.url}/gateway.do`,
      signType: 'RSA2',
      keyType: 'PKCS8',
    });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    merchant = await startReceiver(() => ({ status: 200, body: 'success' }));
    sdk = client(sandbox.keys.alipay.appPrivateKeyPem);
  });
  afterAll(async () => {
    await merchant.close();
    await sandbox.stop();
  });

  const no = () => `AP${Date.now()}${randomBytes(4).toString('hex')}`;
  const biz = (outTradeNo: string, extra: Record<string, string> = {}) => ({
    out_trade_no: outTradeNo,
    total_amount: '99.00',
    subject: 'AI Photo monthly membership',
    ...extra,
  });
  const query = (outTradeNo: string) =>
    sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: outTradeNo } }, { validateSign: true });
  const actionOf = (html: string) => /fetch\("([^"]+)"/.exec(html)?.[1] ?? '';
  const formOf = (body: string) => Object.fromEntries(new URLSearchParams(body)) as Record<string, string>;

  it('page pay: the signed URL opens a cashier; paying notifies (SDK-verified) and returns with signed parameters', async () => {
    const outTradeNo = no();
    expect((await query(outTradeNo)).subCode).toBe('ACQ.TRADE_NOT_EXIST');
    const payUrl = sdk.pageExec('alipay.trade.page.pay', 'GET', {
      notify_url: `${merchant.url}/api/v1/payments/alipay/notify`,
      return_url: 'http://127.0.0.1:1/billing/return?orderId=o-1',
      bizContent: { ...biz(outTradeNo), product_code: 'FAST_INSTANT_TRADE_PAY' },
    });
    const cashier = await fetch(payUrl);
    expect(cashier.status).toBe(200);
    const html = await cashier.text();
    expect(html).toContain('¥99.00');
    expect((await query(outTradeNo)).tradeStatus).toBe('WAIT_BUYER_PAY');

    const before = merchant.received.length;
    const paid = await postJson(`${sandbox.url}${actionOf(html)}`, { result: 'success' });
    expect(paid.json).toMatchObject({ tradeState: 'TRADE_SUCCESS', notify: { status: 200, body: 'success' } });
    const notify = formOf(merchant.received[before].body);
    expect(merchant.received[before].headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(notify).toMatchObject({
      out_trade_no: outTradeNo,
      trade_status: 'TRADE_SUCCESS',
      total_amount: '99.00',
      app_id: sandbox.keys.alipay.appId,
      seller_id: sandbox.keys.alipay.sellerId,
      sign_type: 'RSA2',
    });
    expect(sdk.checkNotifySignV2(notify)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...notify, total_amount: '0.01' })).toBe(false);

    const back = new URL((paid.json as { next: string }).next);
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:1/billing/return');
    const returned = Object.fromEntries(back.searchParams) as Record<string, string>;
    expect(returned).toMatchObject({ method: 'alipay.trade.page.pay.return', out_trade_no: outTradeNo });
    // Alipay signs its own parameters only; the merchant's own (orderId) are not covered.
    const { orderId, ...alipayParams } = returned;
    expect(orderId).toBe('o-1');
    expect(sdk.checkNotifySignV2(alipayParams)).toBe(true);

    const result = await query(outTradeNo);
    expect(result).toMatchObject({ code: '10000', tradeStatus: 'TRADE_SUCCESS', totalAmount: '99.00', outTradeNo });
    expect(result.tradeNo).toBe(notify.trade_no);
  });

  it('WAP pay through a POST form; the cashier "Fail" closes the trade and goes to quit_url', async () => {
    const outTradeNo = no();
    const form = sdk.pageExec('alipay.trade.wap.pay', 'POST', {
      notify_url: `${merchant.url}/api/v1/payments/alipay/notify`,
      bizContent: { ...biz(outTradeNo, { quit_url: 'http://127.0.0.1:1/billing' }), product_code: 'QUICK_WAP_WAY' },
    });
    const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
    const fields = Object.fromEntries(
      [...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&quot;/g, '"')]),
    );
    const cashier = await fetch(action, { method: 'POST', body: new URLSearchParams(fields) });
    expect(cashier.status).toBe(200);
    const failed = await postJson(`${sandbox.url}${actionOf(await cashier.text())}`, { result: 'fail' });
    expect(failed.json).toMatchObject({ tradeState: 'TRADE_CLOSED', notify: null, next: 'http://127.0.0.1:1/billing' });
    expect((await query(outTradeNo)).tradeStatus).toBe('TRADE_CLOSED');
  });

  it('precreate answers a signed QR code the Alipay app opens; close stops payment', async () => {
    const outTradeNo = no();
    const pre = await sdk.exec(
      'alipay.trade.precreate',
      { notify_url: `${merchant.url}/api/v1/payments/alipay/notify`, bizContent: biz(outTradeNo) },
      { validateSign: true },
    );
    expect(pre).toMatchObject({ code: '10000', outTradeNo });
    expect((await fetch(pre.qrCode as string)).status).toBe(200);
    const closed = await sdk.exec(
      'alipay.trade.close',
      { bizContent: { out_trade_no: outTradeNo } },
      { validateSign: true },
    );
    expect(closed.code).toBe('10000');
    expect((await query(outTradeNo)).tradeStatus).toBe('TRADE_CLOSED');
    expect((await postJson(`${sandbox.url}/sandbox/alipay/pay/${outTradeNo}`, {})).status).toBe(409);
  });

  it('refuses requests signed with another app key, and changed amounts for a known trade', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const impostor = await client(privateKey).exec('alipay.trade.query', { bizContent: { out_trade_no: 'x' } });
    expect(impostor).toMatchObject({ code: '40002', subCode: 'isv.invalid-signature' });
    const page = await fetch(client(privateKey).pageExec('alipay.trade.page.pay', 'GET', { bizContent: biz(no()) }));
    expect(await page.text()).toContain('isv.invalid-signature');

    const outTradeNo = no();
    await sdk.exec('alipay.trade.precreate', { bizContent: biz(outTradeNo) });
    const changed = await sdk.exec('alipay.trade.precreate', { bizContent: biz(outTradeNo, { total_amount: '0.01' }) });
    expect(changed.subCode).toBe('ACQ.CONTEXT_INCONSISTENT');
  });
});
