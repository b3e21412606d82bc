import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { randomAlnum } from '../keys';
import type { OrderBook, SandboxOrder } from './order-book';
import { transactionOf } from './order-book';
import { sendSigned, sendV3Error } from './signed-response';
import { parseMerchantAuthorization, requestMessage, rsaVerify, sameString } from './wechatpay-crypto';

const baseOrderSchema = z.object({
  appid: z.string().min(1),
  mchid: z.string().min(1),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(/^[A-Za-z0-9_\-|*]{6,32}$/),
  notify_url: z.url(),
  attach: z.string().max(128).optional(),
  time_expire: z.string().optional(),
  amount: z.object({ total: z.number().int().min(1), currency: z.literal('CNY').optional() }),
});

/** Native, H5 and JSAPI differ in what the payer side needs and what the answer carries. */
const ORDER_KINDS = {
  native: { tradeType: 'NATIVE', schema: baseOrderSchema },
  h5: {
    tradeType: 'MWEB',
    schema: baseOrderSchema.extend({
      scene_info: z.object({
        payer_client_ip: z.string().min(1),
        h5_info: z.object({ type: z.string().min(1) }),
      }),
    }),
  },
  jsapi: {
    tradeType: 'JSAPI',
    schema: baseOrderSchema.extend({ payer: z.object({ openid: z.string().min(1) }) }),
  },
} as const;
type OrderKind = keyof typeof ORDER_KINDS;

/** Clock skew WeChat Pay accepts on a merchant's request timestamp. */
const MAX_SKEW_SECONDS = 300;

/**
 * Checks the merchant's `WECHATPAY2-SHA256-RSA2048` Authorization over
 * `METHOD\nurl\ntimestamp\nnonce\nbody\n` with the merchant public key of the sandbox keys.
 */
function merchantAuth(ctx: SandboxContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    const auth = parseMerchantAuthorization(req.header('authorization'));
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const fail = (message: string) => sendV3Error(res, ctx.keys, 401, 'SIGN_ERROR', message);
    if (!auth) return fail('Authorization header missing or malformed');
    if (auth.mchid !== ctx.keys.mchid) return fail('mchid in Authorization does not match the sandbox merchant');
    if (auth.serial !== ctx.keys.merchant.serial)
      return fail('serial_no is not the sandbox merchant certificate serial');
    if (Math.abs(Date.now() / 1000 - Number(auth.timestamp)) > MAX_SKEW_SECONDS) return fail('timestamp out of range');
    const message = requestMessage(req.method, req.originalUrl, auth.timestamp, auth.nonce, rawBody);
    if (!rsaVerify(message, auth.signature, ctx.keys.merchant.publicKeyPem))
      return fail('signature verification failed');
    next();
  };
}

function parseJson(raw: unknown): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
  } catch {
    return undefined;
  }
}

/** WeChat Pay API v3: place (Native, H5, JSAPI), query and close orders. */
export function wechatPayRouter(ctx: SandboxContext, orders: OrderBook): Router {
  const router = express.Router();
  // The signature covers the exact bytes, so the body is kept raw and parsed here.
  router.use('/v3', express.raw({ type: () => true, limit: '1mb' }), merchantAuth(ctx));

  const place = (kind: OrderKind) => (req: Request, res: Response) => {
    ctx.calls.record(`wechatpay:${kind}`);
    const parsed = ORDER_KINDS[kind].schema.safeParse(parseJson(req.body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendV3Error(
        res,
        ctx.keys,
        400,
        'PARAM_ERROR',
        `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const body = parsed.data;
    if (body.mchid !== ctx.keys.mchid) return sendV3Error(res, ctx.keys, 400, 'MCH_NOT_EXISTS', '商户号不存在');
    if (body.appid !== ctx.keys.appid)
      return sendV3Error(res, ctx.keys, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    const tradeType = ORDER_KINDS[kind].tradeType;
    const existing = orders.get(body.out_trade_no);
    if (existing) {
      if (existing.trade_state === 'SUCCESS') return sendV3Error(res, ctx.keys, 400, 'ORDERPAID', '该订单已支付');
      if (existing.trade_state === 'CLOSED') return sendV3Error(res, ctx.keys, 400, 'ORDER_CLOSED', '订单已关闭');
      const same =
        existing.amount.total === body.amount.total &&
        existing.description === body.description &&
        (existing.trade_type ?? 'NATIVE') === tradeType;
      if (!same) return sendV3Error(res, ctx.keys, 400, 'INVALID_REQUEST', '201 商户订单号重复');
      if (!existing.code_pr && !existing.prepay_id) {
        // Stored by a sandbox version whose code_url was the pay page: give it a QR token now.
        existing.code_pr = randomAlnum(16);
        orders.add(existing);
      }
      return sendSigned(res, ctx.keys, 200, payerEntry(existing));
    }
    const order: SandboxOrder = {
      trade_type: tradeType,
      appid: body.appid,
      mchid: body.mchid,
      out_trade_no: body.out_trade_no,
      description: body.description,
      notify_url: body.notify_url,
      attach: body.attach ?? '',
      time_expire: body.time_expire,
      amount: { total: body.amount.total, currency: body.amount.currency ?? 'CNY' },
      trade_state: 'NOTPAY',
      created_at: new Date().toISOString(),
      ...(tradeType === 'NATIVE' ? { code_pr: randomAlnum(16) } : { prepay_id: `wx${Date.now()}${randomAlnum(16)}` }),
      ...(kind === 'jsapi' ? { payer_openid: (body as z.infer<typeof ORDER_KINDS.jsapi.schema>).payer.openid } : {}),
    };
    orders.add(order);
    sendSigned(res, ctx.keys, 200, payerEntry(order));
  };

  /** What the merchant hands its payer: a QR payload, an H5 cashier URL or a JSAPI prepay id. */
  const payerEntry = (order: SandboxOrder) => {
    if (order.prepay_id && order.trade_type === 'MWEB') {
      return { h5_url: `${ctx.publicUrl()}/sandbox/wechat/h5?prepay_id=${order.prepay_id}&package=1` };
    }
    if (order.prepay_id) return { prepay_id: order.prepay_id };
    return { code_url: `weixin://wxpay/bizpayurl?pr=${order.code_pr ?? ''}` };
  };

  router.post('/v3/pay/transactions/native', place('native'));
  router.post('/v3/pay/transactions/h5', place('h5'));
  router.post('/v3/pay/transactions/jsapi', place('jsapi'));

  router.get('/v3/pay/transactions/out-trade-no/:outTradeNo', (req: Request, res: Response) => {
    ctx.calls.record('wechatpay:query');
    if (req.query.mchid !== ctx.keys.mchid)
      return sendV3Error(res, ctx.keys, 400, 'PARAM_ERROR', 'mchid is missing or wrong');
    const order = orders.get(String(req.params.outTradeNo));
    if (!order) return sendV3Error(res, ctx.keys, 404, 'ORDER_NOT_EXIST', '订单不存在');
    sendSigned(res, ctx.keys, 200, transactionOf(order));
  });

  router.post('/v3/pay/transactions/out-trade-no/:outTradeNo/close', (req: Request, res: Response) => {
    ctx.calls.record('wechatpay:close');
    const body = parseJson(req.body) as { mchid?: unknown } | undefined;
    if (!body || !sameString(String(body.mchid ?? ''), ctx.keys.mchid))
      return sendV3Error(res, ctx.keys, 400, 'PARAM_ERROR', 'mchid is missing or wrong');
    const order = orders.get(String(req.params.outTradeNo));
    if (!order) return sendV3Error(res, ctx.keys, 404, 'ORDER_NOT_EXIST', '订单不存在');
    if (order.trade_state === 'SUCCESS') return sendV3Error(res, ctx.keys, 400, 'ORDERPAID', '该订单已支付');
    orders.setState(order, 'CLOSED');
    sendSigned(res, ctx.keys, 204);
  });

  router.use('/v3', (_req: Request, res: Response) =>
    sendV3Error(res, ctx.keys, 404, 'NOT_FOUND', 'The sandbox does not implement this API.'),
  );
  return router;
}
