import { randomBytes } from 'node:crypto';
import { Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { startReceiver } from '../../__tests__/receiver';
import { postJson, startTestSandbox, type TestSandbox } from '../../__tests__/test-sandbox';

describe('sandbox WeChat Pay H5 and JSAPI', () => {
  let sandbox: TestSandbox;
  let wxpay: Wechatpay;
  let merchant: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    merchant = await startReceiver(() => ({ status: 204 }));
    wxpay = new Wechatpay({
      mchid: sandbox.keys.mchid,
      serial: sandbox.keys.merchant.serial,
      privateKey: sandbox.keys.merchant.privateKeyPem,
      certs: { [sandbox.keys.platform.publicKeyId]: sandbox.keys.platform.publicKeyPem },
      baseURL: `${sandbox.url}/`,
    });
  });
  afterAll(async () => {
    await merchant.close();
    await sandbox.stop();
  });

  const order = (no: string) => ({
    appid: sandbox.keys.appid,
    mchid: sandbox.keys.mchid,
    description: 'AI Photo monthly membership',
    out_trade_no: no,
    notify_url: `${merchant.url}/api/v1/payments/wechat/notify`,
    amount: { total: 9900, currency: 'CNY' },
  });
  const no = () => `AP${Date.now()}${randomBytes(4).toString('hex')}`;
  const query = async (outTradeNo: string) =>
    (
      await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({
        params: { mchid: sandbox.keys.mchid },
        out_trade_no: outTradeNo,
      })
    ).data as Record<string, unknown>;

  it('H5: needs scene_info, answers an h5_url whose cashier returns to redirect_url after paying', async () => {
    const outTradeNo = no();
    await expect(wxpay.v3.pay.transactions.h5.post(order(outTradeNo))).rejects.toMatchObject({
      response: { status: 400, data: { code: 'PARAM_ERROR' } },
    });
    const { data } = await wxpay.v3.pay.transactions.h5.post<Record<string, unknown>, { data: { h5_url: string } }>({
      ...order(outTradeNo),
      scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } },
    });
    expect(data.h5_url).toMatch(new RegExp(`^${sandbox.url}/sandbox/wechat/h5\\?prepay_id=wx`));
    const back = 'http://127.0.0.1:1/billing/return?orderId=o1';
    const cashier = await (await fetch(`${data.h5_url}&redirect_url=${encodeURIComponent(back)}`)).text();
    const action = /fetch\("([^"]+)"/.exec(cashier)?.[1] ?? '';
    expect(action).toContain(`/sandbox/pay/${outTradeNo}?next=`);
    const paid = await postJson(`${sandbox.url}${action}`, { result: 'success' });
    expect(paid.json).toMatchObject({ tradeState: 'SUCCESS', next: back, notify: { status: 204 } });
    expect(await query(outTradeNo)).toMatchObject({ trade_type: 'MWEB', trade_state: 'SUCCESS' });
  });

  it('JSAPI: answers a prepay_id; the client pays only with a paySign made with the merchant key', async () => {
    const outTradeNo = no();
    const { data } = await wxpay.v3.pay.transactions.jsapi.post<
      Record<string, unknown>,
      { data: { prepay_id: string } }
    >({ ...order(outTradeNo), payer: { openid: 'oUserOpenId123' } });
    expect(data.prepay_id).toMatch(/^wx/);
    const params = {
      appId: sandbox.keys.appid,
      timeStamp: String(Formatter.timestamp()),
      nonceStr: Formatter.nonce(),
      package: `prepay_id=${data.prepay_id}`,
      signType: 'RSA',
    };
    const message = Formatter.joinedByLineFeed(params.appId, params.timeStamp, params.nonceStr, params.package);
    const forged = await postJson(`${sandbox.url}/sandbox/wechat/jsapi/pay`, { ...params, paySign: 'AAAA' });
    expect(forged).toMatchObject({ status: 401, json: { error: { code: 'SIGN_ERROR' } } });
    const paySign = Rsa.sign(message, sandbox.keys.merchant.privateKeyPem);
    const paid = await postJson(`${sandbox.url}/sandbox/wechat/jsapi/pay`, { ...params, paySign });
    expect(paid.json).toMatchObject({ tradeState: 'SUCCESS', notify: { status: 204 } });
    expect(await query(outTradeNo)).toMatchObject({
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      payer: { openid: 'oUserOpenId123' },
    });
  });

  it('refuses to pay an order past its time_expire', async () => {
    const outTradeNo = no();
    await wxpay.v3.pay.transactions.native.post({ ...order(outTradeNo), time_expire: '2020-01-01T00:00:00+08:00' });
    const paid = await postJson(`${sandbox.url}/sandbox/pay/${outTradeNo}`, { result: 'success' });
    expect(paid).toMatchObject({ status: 409, json: { error: { code: 'ORDER_EXPIRED' } } });
  });
});
