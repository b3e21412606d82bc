import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { createTestUser } from '../../../testing/money-factories';
import { drivers } from '../../../testing/test-db';
import { freePort, moneyBackend, type MoneyBackend } from './payments-harness';

jest.setTimeout(90_000);

interface SandboxLike {
  url: string;
  keys: { merchant: { privateKeyPem: string } };
  close(): Promise<void>;
}
type CreateSandbox = (o: {
  dataDir: string;
  port: number;
  cos: Record<string, string>;
  runninghub: { apiKey: string };
}) => Promise<SandboxLike>;

// The sandbox is another workspace; loaded by path at run time (see sandbox-flow.integration.test.ts).
const SANDBOX_ENTRY = path.join(__dirname, '../../../../../sandbox/src/index.ts');

/**
 * The live channel code (WeChat Pay Native / H5 / JSAPI, Alipay page / WAP / precreate) against
 * the sandbox, which speaks each protocol: purchase → the payer's client pays → signed notify →
 * one grant. The sandbox channels need no keys of their own in sandbox vendor mode.
 */
describe.each(drivers)('WeChat Pay and Alipay against the sandbox on %s', (driver) => {
  let sandbox: SandboxLike;
  let t: MoneyBackend;
  let server: Server;
  let base: string;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-channels-'));

  beforeAll(async () => {
    const { createSandbox } = (await import(SANDBOX_ENTRY)) as { createSandbox: CreateSandbox };
    sandbox = await createSandbox({
      dataDir,
      port: 0,
      runninghub: { apiKey: 'test-runninghub-key' },
      cos: { secretId: 'AKIDtestOnly', secretKey: 'test-only-secret', bucket: 'aiphoto-1250000000' },
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await moneyBackend(driver, {
      DATA_DIR: dataDir,
      SANDBOX_URL: sandbox.url,
      PORT: String(port),
      PUBLIC_BASE_URL: base,
    });
    server = t.backend.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t.close();
    await sandbox.close();
  });

  const auth = (userId: string) => ({ Authorization: `Bearer ${t.token(userId)}` });
  const purchase = async (userId: string, body: Record<string, unknown>) =>
    (await request(t.backend.app).post('/api/v1/membership/purchase').set(auth(userId)).send(body).expect(200)).body;
  const order = async (userId: string, id: string, refresh = false) =>
    (
      await request(t.backend.app)
        .get(`/api/v1/membership/orders/${id}${refresh ? '?refresh=1' : ''}`)
        .set(auth(userId))
        .expect(200)
    ).body;
  const postJson = async (url: string, body: unknown) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { tradeState?: string; next?: string; notify?: { status?: number; body?: string } };
  };
  /** The Pay / Fail action of a sandbox cashier page. */
  const actionOf = async (pageUrl: string) => {
    const html = await (await fetch(pageUrl)).text();
    const action = /fetch\("([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no pay action on ${pageUrl}: ${html.slice(0, 200)}`);
    return `${sandbox.url}${action}`;
  };
  const expectOneGrant = async (userId: string) => {
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 100 });
    const grants = await t.ds.query("SELECT COUNT(*) AS n FROM quota_ledger WHERE user_id = ? AND kind = 'grant'", [
      userId,
    ]);
    expect(Number(grants[0].n)).toBe(1);
  };

  it('lists the enabled channels and scenes', async () => {
    const { body } = await request(t.backend.app).get('/api/v1/payments/channels').expect(200);
    expect(body).toEqual({
      channels: [
        { channel: 'wechat', scenes: ['native', 'h5', 'jsapi'] },
        { channel: 'alipay', scenes: ['page', 'wap', 'qr'] },
        { channel: 'sandbox', scenes: ['native'] },
      ],
      payTimeoutSeconds: 900,
    });
  });

  it('WeChat Native: a code_url the scan page opens; paying twice grants once', async () => {
    const userId = await createTestUser(t.ds.manager);
    const p = await purchase(userId, { channel: 'wechat', scene: 'native' });
    expect(p.payParams).toEqual({ outTradeNo: p.outTradeNo, codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\//) });
    const action = await actionOf(
      `${sandbox.url}/sandbox/wechat/scan?code_url=${encodeURIComponent(p.payParams.codeUrl)}`,
    );
    expect((await postJson(action, { result: 'success' })).notify?.status).toBe(204);
    expect((await postJson(action, { result: 'success' })).notify?.status).toBe(204);
    expect(await order(userId, p.orderId)).toMatchObject({ status: 'paid', channel: 'wechat' });
    await expectOneGrant(userId);
  });

  it('WeChat H5: the cashier returns the payer to the billing page of the order', async () => {
    const userId = await createTestUser(t.ds.manager);
    const p = await purchase(userId, { channel: 'wechat', scene: 'h5' });
    const h5 = new URL(p.payParams.h5Url);
    expect(h5.searchParams.get('redirect_url')).toBe(`${base}/billing/return?orderId=${p.orderId}`);
    const paid = await postJson(await actionOf(p.payParams.h5Url), { result: 'success' });
    expect(paid.next).toBe(`${base}/billing/return?orderId=${p.orderId}`);
    expect(await order(userId, p.orderId)).toMatchObject({ status: 'paid' });
    await expectOneGrant(userId);
  });

  it('WeChat JSAPI: needs an openid and answers getBrandWCPayRequest params signed with the merchant key', async () => {
    const userId = await createTestUser(t.ds.manager);
    const missing = await request(t.backend.app)
      .post('/api/v1/membership/purchase')
      .set(auth(userId))
      .send({ channel: 'wechat', scene: 'jsapi' })
      .expect(400);
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    const p = await purchase(userId, { channel: 'wechat', scene: 'jsapi', openid: 'oPayer0001' });
    const js = p.payParams.jsapi;
    expect(js).toMatchObject({ package: expect.stringMatching(/^prepay_id=wx/), signType: 'RSA' });
    const message = Formatter.joinedByLineFeed(js.appId, js.timeStamp, js.nonceStr, js.package);
    expect(Rsa.sign(message, sandbox.keys.merchant.privateKeyPem)).toBe(js.paySign);
    const paid = await postJson(`${sandbox.url}/sandbox/wechat/jsapi/pay`, js);
    expect(paid).toMatchObject({ tradeState: 'SUCCESS', notify: { status: 204 } });
    expect(await order(userId, p.orderId)).toMatchObject({ status: 'paid' });
    await expectOneGrant(userId);
  });

  it('Alipay page pay: the cashier notifies (RSA2) and returns to the billing page, which never needs the return parameters', async () => {
    const userId = await createTestUser(t.ds.manager);
    const p = await purchase(userId, { channel: 'alipay', scene: 'page' });
    expect(p.payParams.payUrl).toContain(`${sandbox.url}/gateway.do?`);
    expect(p.payParams.payUrl).toContain('method=alipay.trade.page.pay');
    const paid = await postJson(await actionOf(p.payParams.payUrl), { result: 'success' });
    expect(paid.notify).toMatchObject({ status: 200, body: 'success' });
    expect(paid.next).toContain(`${base}/billing/return?orderId=${p.orderId}&`);
    // Paying again resends the notify: the replay changes nothing.
    expect((await postJson(`${sandbox.url}/sandbox/alipay/pay/${p.outTradeNo}`, {})).notify?.body).toBe('success');
    expect(await order(userId, p.orderId)).toMatchObject({ status: 'paid', channel: 'alipay' });
    await expectOneGrant(userId);
  });

  it('Alipay WAP: a lost notify is recovered by the signed alipay.trade.query', async () => {
    const userId = await createTestUser(t.ds.manager);
    const p = await purchase(userId, { channel: 'alipay', scene: 'wap' });
    expect(p.payParams.payUrl).toContain('method=alipay.trade.wap.pay');
    const action = await actionOf(p.payParams.payUrl);
    await new Promise((r) => server.close(r));
    expect((await postJson(action, { result: 'success' })).notify).toMatchObject({ error: expect.any(String) });
    server = t.backend.app.listen(Number(new URL(base).port), '127.0.0.1');
    expect((await order(userId, p.orderId)).status).toBe('pending');
    expect((await order(userId, p.orderId, true)).status).toBe('paid');
    await expectOneGrant(userId);
  });

  it('Alipay precreate QR: a failed payment closes the trade and the order reads closed', async () => {
    const userId = await createTestUser(t.ds.manager);
    const p = await purchase(userId, { channel: 'alipay', scene: 'qr' });
    const paid = await postJson(await actionOf(p.payParams.qrCode), { result: 'fail' });
    expect(paid.tradeState).toBe('TRADE_CLOSED');
    expect((await order(userId, p.orderId, true)).status).toBe('closed');
    expect(await t.money.ledger.checkInvariant(userId)).toMatchObject({ ok: true, balance: 0 });
  });

  it('a failed WeChat payment reads failed after a refresh; closing an unpaid order closes it at the channel', async () => {
    const userId = await createTestUser(t.ds.manager);
    const failed = await purchase(userId, { channel: 'wechat' });
    const action = await actionOf(
      `${sandbox.url}/sandbox/wechat/scan?code_url=${encodeURIComponent(failed.payParams.codeUrl)}`,
    );
    expect((await postJson(action, { result: 'fail' })).tradeState).toBe('PAYERROR');
    expect((await order(userId, failed.orderId, true)).status).toBe('failed');

    const abandoned = await purchase(userId, { channel: 'wechat' });
    const closed = await request(t.backend.app)
      .post(`/api/v1/membership/orders/${abandoned.orderId}/close`)
      .set(auth(userId))
      .expect(200);
    expect(closed.body).toMatchObject({ id: abandoned.orderId, status: 'closed' });
    const scan = await actionOf(
      `${sandbox.url}/sandbox/wechat/scan?code_url=${encodeURIComponent(abandoned.payParams.codeUrl)}`,
    );
    const res = await fetch(scan, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(409); // closed at WeChat Pay: the payer can no longer pay
    await request(t.backend.app)
      .post(`/api/v1/membership/orders/${abandoned.orderId}/close`)
      .set(auth(await createTestUser(t.ds.manager)))
      .expect(404);
  });

  it('closing an order that was paid meanwhile settles it instead', async () => {
    const userId = await createTestUser(t.ds.manager);
    const p = await purchase(userId, { channel: 'alipay', scene: 'page' });
    const action = await actionOf(p.payParams.payUrl);
    await new Promise((r) => server.close(r));
    await postJson(action, { result: 'success' });
    server = t.backend.app.listen(Number(new URL(base).port), '127.0.0.1');
    const closed = await request(t.backend.app)
      .post(`/api/v1/membership/orders/${p.orderId}/close`)
      .set(auth(userId))
      .expect(200);
    expect(closed.body.status).toBe('paid');
    await expectOneGrant(userId);
  });

  it('refuses a scene the channel does not offer', async () => {
    const userId = await createTestUser(t.ds.manager);
    const res = await request(t.backend.app)
      .post('/api/v1/membership/purchase')
      .set(auth(userId))
      .send({ channel: 'sandbox', scene: 'h5' })
      .expect(400);
    expect(res.body.error.code).toBe('SCENE_NOT_ENABLED');
  });
});
