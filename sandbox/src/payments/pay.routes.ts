import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { sendPaymentNotify } from './notify';
import type { OrderBook, SandboxOrder } from './order-book';
import { wechatPayPage } from './pay-page';
import { rsaVerify } from './wechatpay-crypto';

const payBodySchema = z.object({ result: z.enum(['success', 'fail']).optional() }).optional();
const jsapiSchema = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string().regex(/^prepay_id=/),
  signType: z.literal('RSA'),
  paySign: z.string(),
  result: z.enum(['success', 'fail']).optional(),
});

function controlError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** Only http(s) URLs are followed after paying (an H5 `redirect_url` comes from the merchant). */
function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The payer's side of WeChat Pay: the pay page behind a Native `code_url` (opened from the
 * "scan" page), the H5 cashier behind `h5_url`, the JSAPI `getBrandWCPayRequest` of the WeChat
 * client, and the action that pays (or fails) an order. Paying sends the merchant a WeChat Pay
 * v3 notify and answers with what the merchant server replied; paying a paid order resends the
 * notify, which is how to exercise the merchant's idempotency. A failed payment sends no notify
 * (WeChat Pay only notifies successes); the order's query then shows `PAYERROR`.
 */
export function payRouter(ctx: SandboxContext, orders: OrderBook): Router {
  const router = express.Router();
  const pageOf = (order: SandboxOrder, title: string, next?: string) =>
    wechatPayPage(
      order,
      title,
      `/sandbox/pay/${encodeURIComponent(order.out_trade_no)}${next ? `?next=${encodeURIComponent(next)}` : ''}`,
    );

  router.get('/sandbox/pay/:outTradeNo', (req: Request, res: Response) => {
    const order = orders.get(String(req.params.outTradeNo));
    if (!order) return void res.status(404).type('text/plain').send('order not found');
    res.type('html').send(pageOf(order, 'Sandbox pay'));
  });

  // What the WeChat app shows after scanning a Native QR code (`weixin://wxpay/bizpayurl?pr=…`).
  router.get('/sandbox/wechat/scan', (req: Request, res: Response) => {
    const codeUrl = typeof req.query.code_url === 'string' ? req.query.code_url : '';
    const pr = /^weixin:\/\/wxpay\/bizpayurl\?pr=([A-Za-z0-9]+)$/.exec(codeUrl)?.[1];
    const order = pr ? orders.find({ codePr: pr }) : undefined;
    if (!order) return void res.status(404).type('text/plain').send('not a WeChat Pay code_url of this sandbox');
    res.type('html').send(pageOf(order, 'WeChat Pay (scanned)'));
  });

  // The H5 cashier: the merchant appends `redirect_url`, where the payer returns afterwards.
  router.get('/sandbox/wechat/h5', (req: Request, res: Response) => {
    const order = orders.find({ prepayId: String(req.query.prepay_id ?? '') });
    if (!order || order.trade_type !== 'MWEB') return void res.status(404).type('text/plain').send('unknown prepay_id');
    res.type('html').send(pageOf(order, 'WeChat Pay H5', safeNext(req.query.redirect_url)));
  });

  router.post('/sandbox/pay/:outTradeNo', express.json(), async (req: Request, res: Response) => {
    ctx.calls.record('sandbox:pay');
    const parsed = payBodySchema.safeParse(req.body);
    if (!parsed.success) return controlError(res, 400, 'VALIDATION_FAILED', 'result must be "success" or "fail"');
    const order = orders.get(String(req.params.outTradeNo));
    if (!order) return controlError(res, 404, 'ORDER_NOT_EXIST', 'no such order at the sandbox');
    await act(res, order, parsed.data?.result, safeNext(req.query.next));
  });

  // WeixinJSBridge.invoke('getBrandWCPayRequest', params): the client checks the merchant's paySign.
  router.post('/sandbox/wechat/jsapi/pay', express.json(), async (req: Request, res: Response) => {
    ctx.calls.record('sandbox:jsapi');
    const parsed = jsapiSchema.safeParse(req.body);
    if (!parsed.success) return controlError(res, 400, 'VALIDATION_FAILED', 'not getBrandWCPayRequest parameters');
    const p = parsed.data;
    const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
    if (p.appId !== ctx.keys.appid || !rsaVerify(message, p.paySign, ctx.keys.merchant.publicKeyPem))
      return controlError(res, 401, 'SIGN_ERROR', 'paySign does not verify with the merchant key');
    const order = orders.find({ prepayId: p.package.slice('prepay_id='.length) });
    if (!order) return controlError(res, 404, 'ORDER_NOT_EXIST', 'unknown prepay_id');
    await act(res, order, p.result);
  });

  async function act(res: Response, order: SandboxOrder, result: 'success' | 'fail' | undefined, next?: string) {
    if (order.trade_state === 'CLOSED') return controlError(res, 409, 'ORDER_CLOSED', 'the order is closed');
    if (order.time_expire && Date.parse(order.time_expire) < Date.now() && order.trade_state !== 'SUCCESS')
      return controlError(res, 409, 'ORDER_EXPIRED', 'the order is past its time_expire');
    if (result === 'fail') {
      if (order.trade_state === 'SUCCESS') return controlError(res, 409, 'ORDERPAID', 'the order is already paid');
      orders.setState(order, 'PAYERROR');
      return void res.json({ outTradeNo: order.out_trade_no, tradeState: order.trade_state, notify: null, next });
    }
    orders.markPaid(order);
    const notify = await sendPaymentNotify(ctx.keys, order);
    res.json({
      outTradeNo: order.out_trade_no,
      tradeState: order.trade_state,
      transactionId: order.transaction_id,
      notify,
      next,
    });
  }
  return router;
}
