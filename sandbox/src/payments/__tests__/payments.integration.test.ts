import { createDecipheriv, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { startReceiver, type ReceivedRequest } from '../../__tests__/receiver';
import { postJson, startTestSandbox, type TestSandbox } from '../../__tests__/test-sandbox';

/** Our backend's client: wechatpay-axios-plugin in public-key mode, pointed at the sandbox. */
function merchantClient(sandbox: TestSandbox, privateKey = sandbox.keys.merchant.privateKeyPem): Wechatpay {
  return new Wechatpay({
    mchid: sandbox.keys.mchid,
    serial: sandbox.keys.merchant.serial,
    privateKey,
    certs: { [sandbox.keys.platform.publicKeyId]: sandbox.keys.platform.publicKeyPem },
    baseURL: `${sandbox.url}/`,
  });
}

function newOutTradeNo(): string {
  return `AP${Date.now()}${randomBytes(4).toString('hex')}`;
}

interface NotifyBody {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary: string;
  resource: { algorithm: string; ciphertext: string; nonce: string; associated_data: string; original_type: string };
}

/** Independent check with node:crypto only: signature over `ts\nnonce\nbody\n`, then AES-256-GCM. */
function verifyAndDecrypt(sandbox: TestSandbox, req: ReceivedRequest): Record<string, unknown> {
  const h = req.headers;
  expect(h['wechatpay-serial']).toBe(sandbox.keys.platform.publicKeyId);
  expect(Math.abs(Date.now() / 1000 - Number(h['wechatpay-timestamp']))).toBeLessThan(300);
  const message = `${String(h['wechatpay-timestamp'])}\n${String(h['wechatpay-nonce'])}\n${req.body}\n`;
  const verified = createVerify('RSA-SHA256')
    .update(message)
    .verify(sandbox.keys.platform.publicKeyPem, String(h['wechatpay-signature']), 'base64');
  expect(verified).toBe(true);

  const notify = JSON.parse(req.body) as NotifyBody;
  const raw = Buffer.from(notify.resource.ciphertext, 'base64');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(sandbox.keys.apiV3Key, 'utf8'),
    Buffer.from(notify.resource.nonce, 'utf8'),
  );
  decipher.setAAD(Buffer.from(notify.resource.associated_data, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return JSON.parse(
    Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8'),
  ) as Record<string, unknown>;
}

describe('sandbox payment channel (WeChat Pay v3 shape)', () => {
  let sandbox: TestSandbox;
  let wxpay: Wechatpay;
  let merchantAnswer: { status: number; body?: string };
  let merchant: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    wxpay = merchantClient(sandbox);
    merchant = await startReceiver(() => merchantAnswer);
  });
  beforeEach(() => {
    merchantAnswer = { status: 204 };
  });
  afterAll(async () => {
    await merchant.close();
    await sandbox.stop();
  });

  async function placeOrder(outTradeNo: string, total = 9900): Promise<string> {
    // The plugin types the body and the answer with one generic; name the answer explicitly.
    const res = await wxpay.v3.pay.transactions.native.post<Record<string, unknown>, { data: { code_url: string } }>({
      appid: sandbox.keys.appid,
      mchid: sandbox.keys.mchid,
      description: 'AI Photo monthly membership',
      out_trade_no: outTradeNo,
      notify_url: `${merchant.url}/api/v1/payments/sandbox/notify`,
      amount: { total, currency: 'CNY' },
    });
    return res.data.code_url;
  }

  const query = async (outTradeNo: string) =>
    (
      await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({
        params: { mchid: sandbox.keys.mchid },
        out_trade_no: outTradeNo,
      })
    ).data as Record<string, unknown>;

  it('places a Native order (signed answer accepted by the SDK) whose code_url the WeChat scan page opens', async () => {
    const no = newOutTradeNo();
    const codeUrl = await placeOrder(no);
    expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=[A-Za-z0-9]{16}$/);
    const scanned = await fetch(`${sandbox.url}/sandbox/wechat/scan?code_url=${encodeURIComponent(codeUrl)}`);
    expect(scanned.status).toBe(200);
    expect(await scanned.text()).toContain(`/sandbox/pay/${no}`);
    expect((await fetch(`${sandbox.url}/sandbox/wechat/scan?code_url=weixin%3A%2F%2Fnope`)).status).toBe(404);
    expect(await query(no)).toMatchObject({
      out_trade_no: no,
      trade_state: 'NOTPAY',
      amount: { total: 9900, currency: 'CNY' },
    });

    const page = await fetch(`${sandbox.url}/sandbox/pay/${no}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(no);
    expect(html).toContain('¥99.00');
  });

  it('sends a correctly signed, encrypted TRANSACTION.SUCCESS notify and relays the merchant reply', async () => {
    const no = newOutTradeNo();
    await placeOrder(no, 1990);
    merchantAnswer = { status: 200, body: '{"code":"SUCCESS"}' };
    const before = merchant.received.length;

    const pay = await postJson(`${sandbox.url}/sandbox/pay/${no}`, { result: 'success' });
    expect(pay.status).toBe(200);
    expect(pay.json).toMatchObject({
      outTradeNo: no,
      tradeState: 'SUCCESS',
      notify: { status: 200, body: '{"code":"SUCCESS"}' },
    });

    const req = merchant.received[before];
    expect(req.url).toBe('/api/v1/payments/sandbox/notify');
    const body = JSON.parse(req.body) as NotifyBody;
    expect(body).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      resource: { algorithm: 'AEAD_AES_256_GCM', original_type: 'transaction', associated_data: 'transaction' },
    });
    expect(body.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);

    const transaction = verifyAndDecrypt(sandbox, req);
    expect(transaction).toMatchObject({
      mchid: sandbox.keys.mchid,
      appid: sandbox.keys.appid,
      out_trade_no: no,
      trade_state: 'SUCCESS',
      trade_type: 'NATIVE',
      amount: { total: 1990, payer_total: 1990, currency: 'CNY' },
    });
    expect(transaction.transaction_id).toBe((pay.json as { transactionId: string }).transactionId);

    // The same check through wechatpay-axios-plugin's own helpers, as a backend would do it.
    const h = req.headers;
    expect(
      Rsa.verify(
        Formatter.response(String(h['wechatpay-timestamp']), String(h['wechatpay-nonce']), req.body),
        String(h['wechatpay-signature']),
        sandbox.keys.platform.publicKeyPem,
      ),
    ).toBe(true);
    const plain = Aes.AesGcm.decrypt(
      body.resource.ciphertext,
      sandbox.keys.apiV3Key,
      body.resource.nonce,
      body.resource.associated_data,
    );
    expect(JSON.parse(plain)).toEqual(transaction);

    expect(await query(no)).toMatchObject({ trade_state: 'SUCCESS', transaction_id: transaction.transaction_id });
  });

  it('resends the notify with the same transaction when an order is paid again, and relays failures', async () => {
    const no = newOutTradeNo();
    await placeOrder(no);
    const first = await postJson(`${sandbox.url}/sandbox/pay/${no}`, {});
    merchantAnswer = { status: 500, body: '{"code":"FAIL","message":"busy"}' };
    const second = await postJson(`${sandbox.url}/sandbox/pay/${no}`, {});
    expect(second.json).toMatchObject({ notify: { status: 500, body: '{"code":"FAIL","message":"busy"}' } });
    expect((second.json as { transactionId: string }).transactionId).toBe(
      (first.json as { transactionId: string }).transactionId,
    );
    const [a, b] = merchant.received.slice(-2).map((r) => verifyAndDecrypt(sandbox, r));
    expect(b.transaction_id).toBe(a.transaction_id);
  });

  it('marks a failed payment PAYERROR without a notify', async () => {
    const no = newOutTradeNo();
    await placeOrder(no);
    const before = merchant.received.length;
    const pay = await postJson(`${sandbox.url}/sandbox/pay/${no}`, { result: 'fail' });
    expect(pay.json).toEqual({ outTradeNo: no, tradeState: 'PAYERROR', notify: null });
    expect(merchant.received.length).toBe(before);
    expect(await query(no)).toMatchObject({ trade_state: 'PAYERROR' });
  });

  it('closes an unpaid order; a closed order cannot be paid', async () => {
    const no = newOutTradeNo();
    await placeOrder(no);
    const closed = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post(
      { mchid: sandbox.keys.mchid },
      { out_trade_no: no },
    );
    expect(closed.status).toBe(204);
    expect(await query(no)).toMatchObject({ trade_state: 'CLOSED' });
    expect((await postJson(`${sandbox.url}/sandbox/pay/${no}`, {})).status).toBe(409);
  });

  it('rejects a request signed with another merchant key (401 SIGN_ERROR)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const impostor = merchantClient(sandbox, privateKey);
    await expect(
      impostor.v3.pay.transactions.outTradeNo.$out_trade_no$.get({
        params: { mchid: sandbox.keys.mchid },
        out_trade_no: 'AP000000',
      }),
    ).rejects.toMatchObject({ response: { status: 401, data: { code: 'SIGN_ERROR' } } });
  });

  it('rejects a reused out_trade_no with different content and unknown orders', async () => {
    const no = newOutTradeNo();
    const first = await placeOrder(no, 100);
    expect(await placeOrder(no, 100)).toBe(first); // same order again: same code_url
    await expect(placeOrder(no, 200)).rejects.toMatchObject({
      response: { status: 400, data: { code: 'INVALID_REQUEST' } },
    });
    await expect(query('AP-missing-1')).rejects.toMatchObject({
      response: { status: 404, data: { code: 'ORDER_NOT_EXIST' } },
    });
    expect((await postJson(`${sandbox.url}/sandbox/pay/AP-missing-1`, {})).status).toBe(404);
  });
});
