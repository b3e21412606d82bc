import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../../context';
import { randomAlnum } from '../../keys';
import { escapeHtml, payPageHtml } from '../pay-page';
import { sendAlipayNotify, signedReturnUrl } from './alipay-notify';
import { alipayTime, parseAlipayTime, rsa2Verify, signContent, signedAnswer } from './alipay-sign';
import type { AlipayTrade, AlipayTradeBook } from './alipay-trades';

const bizSchema = z.object({
  out_trade_no: z.string().regex(/^[A-Za-z0-9_]{1,64}$/),
  total_amount: z.string().regex(/^(?!0+(\.0+)?$)\d{1,9}(\.\d{1,2})?$/, 'yuan with at most two decimals, above 0'),
  subject: z.string().min(1).max(256),
  product_code: z.string().optional(),
  time_expire: z.string().optional(),
  quit_url: z.string().optional(),
});
const lookupSchema = z.object({ out_trade_no: z.string().min(1) });

/** Page methods answer the payer's browser with a cashier; the others are server-to-server JSON. */
const PAGE_METHODS = ['alipay.trade.page.pay', 'alipay.trade.wap.pay'];
const API_METHODS = ['alipay.trade.precreate', 'alipay.trade.query', 'alipay.trade.close'];

type Answer = { code: string; msg: string; sub_code?: string; sub_msg?: string } & Record<string, unknown>;
const fail = (code: string, msg: string, sub_code: string, sub_msg: string): Answer => ({
  code,
  msg,
  sub_code,
  sub_msg,
});
const invalid = (subCode: string, subMsg: string) => fail('40002', 'Invalid Arguments', subCode, subMsg);
const business = (subCode: string, subMsg: string) => fail('40004', 'Business Failed', subCode, subMsg);
const OK = { code: '10000', msg: 'Success' };

/** Amounts as Alipay prints them: two decimals. */
const yuan = (amount: string) => Number(amount).toFixed(2);

/**
 * Alipay's OpenAPI gateway (`/gateway.do`) as alipay-sdk talks to it: requests RSA2-signed with
 * the app key (checked), answers signed with the Alipay key, `alipay.trade.page.pay` /
 * `alipay.trade.wap.pay` opening a cashier in the payer's browser, `precreate` giving a QR code,
 * `query` and `close`. The cashier "pays": an RSA2-signed async notify to `notify_url`, then
 * the browser goes to `return_url` with the signed return parameters.
 */
export function alipayRouter(ctx: SandboxContext, trades: AlipayTradeBook): Router {
  const router = express.Router();
  const keys = () => ctx.keys.alipay;

  router.all('/gateway.do', express.urlencoded({ extended: false, limit: '64kb' }), (req: Request, res: Response) => {
    const params: Record<string, string> = {};
    for (const source of [req.query, req.body as Record<string, unknown> | undefined]) {
      for (const [k, v] of Object.entries(source ?? {})) if (typeof v === 'string') params[k] = v;
    }
    const method = params.method ?? '';
    ctx.calls.record(`alipay:${method.replace(/^alipay\.trade\./, '')}`);
    const page = PAGE_METHODS.includes(method);
    const answer = (node: Answer) =>
      page
        ? void res.status(400).type('html').send(errorPage(node))
        : void res.type('application/json').send(signedAnswer(method, node, keys().alipayPrivateKeyPem));

    if (!page && !API_METHODS.includes(method)) {
      return void res
        .type('application/json')
        .send(JSON.stringify({ error_response: invalid('isv.invalid-method', `不存在的方法名 ${method}`) }));
    }
    if (params.app_id !== keys().appId) return answer(invalid('isv.invalid-app-id', '无效的AppID参数'));
    if (params.sign_type !== 'RSA2') return answer(invalid('isv.invalid-signature-type', '无效的签名类型'));
    if (!params.sign || !rsa2Verify(signContent(params), params.sign, keys().appPublicKeyPem))
      return answer(invalid('isv.invalid-signature', '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配'));
    let biz: unknown;
    try {
      biz = JSON.parse(params.biz_content ?? '');
    } catch {
      return answer(invalid('isv.missing-biz-content', 'biz_content 不是 JSON'));
    }

    if (method === 'alipay.trade.query' || method === 'alipay.trade.close') {
      const lookup = lookupSchema.safeParse(biz);
      if (!lookup.success) return answer(invalid('isv.missing-out-trade-no', '缺少 out_trade_no'));
      const trade = trades.get(lookup.data.out_trade_no);
      if (!trade) return answer(business('ACQ.TRADE_NOT_EXIST', '交易不存在'));
      if (method === 'alipay.trade.query') return answer({ ...OK, ...queryFields(trade) });
      if (trade.trade_status === 'TRADE_SUCCESS') return answer(business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法'));
      trades.close(trade);
      return answer({ ...OK, out_trade_no: trade.out_trade_no, trade_no: trade.trade_no });
    }

    const order = bizSchema.safeParse(biz);
    if (!order.success) {
      const issue = order.error.issues[0];
      return answer(invalid('isv.invalid-parameter', `${issue?.path.join('.')}: ${issue?.message}`));
    }
    const b = order.data;
    let trade = trades.get(b.out_trade_no);
    if (trade && (yuan(trade.total_amount) !== yuan(b.total_amount) || trade.subject !== b.subject))
      return answer(business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改'));
    if (trade?.trade_status === 'TRADE_SUCCESS') return answer(business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付'));
    if (trade?.trade_status === 'TRADE_CLOSED') return answer(business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭'));
    if (!trade) {
      trade = {
        out_trade_no: b.out_trade_no,
        method,
        subject: b.subject,
        total_amount: yuan(b.total_amount),
        trade_status: 'WAIT_BUYER_PAY',
        notify_url: params.notify_url ?? '',
        return_url: params.return_url,
        quit_url: b.quit_url,
        time_expire: b.time_expire,
        gmt_create: alipayTime(new Date()),
        ...(method === 'alipay.trade.precreate' ? { qr_token: randomAlnum(24) } : {}),
      };
      trades.add(trade);
    }
    if (page) return void res.type('html').send(cashier(trade));
    answer({
      ...OK,
      out_trade_no: trade.out_trade_no,
      qr_code: `${ctx.publicUrl()}/sandbox/alipay/qr/${trade.qr_token ?? ''}`,
    });
  });

  // What the Alipay app opens after scanning a precreate QR code.
  router.get('/sandbox/alipay/qr/:token', (req: Request, res: Response) => {
    const trade = trades.byQrToken(String(req.params.token));
    if (!trade) return void res.status(404).type('text/plain').send('not a QR code of this sandbox');
    res.type('html').send(cashier(trade));
  });

  router.get('/sandbox/alipay/cashier/:outTradeNo', (req: Request, res: Response) => {
    const trade = trades.get(String(req.params.outTradeNo));
    if (!trade) return void res.status(404).type('text/plain').send('trade not found');
    res.type('html').send(cashier(trade));
  });

  // Pay: notify, then back to return_url. Fail: the payer gives up and the trade closes (Alipay
  // sends no notify for that), back to quit_url when the merchant gave one.
  router.post('/sandbox/alipay/pay/:outTradeNo', express.json(), async (req: Request, res: Response) => {
    ctx.calls.record('sandbox:alipay-pay');
    const trade = trades.get(String(req.params.outTradeNo));
    const result = (req.body as { result?: unknown } | undefined)?.result;
    if (!trade) return void res.status(404).json({ error: { code: 'ACQ.TRADE_NOT_EXIST', message: '交易不存在' } });
    if (trade.trade_status === 'TRADE_CLOSED')
      return void res.status(409).json({ error: { code: 'ACQ.TRADE_HAS_CLOSE', message: '交易已经关闭' } });
    const expiry = parseAlipayTime(trade.time_expire);
    if (expiry && expiry.getTime() < Date.now() && trade.trade_status !== 'TRADE_SUCCESS')
      return void res.status(409).json({ error: { code: 'ACQ.TRADE_HAS_CLOSE', message: '交易已超时' } });
    if (result === 'fail') {
      if (trade.trade_status === 'TRADE_SUCCESS')
        return void res.status(409).json({ error: { code: 'ACQ.TRADE_HAS_SUCCESS', message: '交易已被支付' } });
      trades.close(trade);
      return void res.json({
        outTradeNo: trade.out_trade_no,
        tradeState: trade.trade_status,
        notify: null,
        next: trade.quit_url,
      });
    }
    trades.markPaid(trade, new Date(), alipayTime);
    const notify = await sendAlipayNotify(ctx.keys, trade);
    res.json({
      outTradeNo: trade.out_trade_no,
      tradeState: trade.trade_status,
      tradeNo: trade.trade_no,
      notify,
      next: signedReturnUrl(ctx.keys, trade),
    });
  });

  return router;
}

function queryFields(trade: AlipayTrade): Record<string, unknown> {
  return {
    out_trade_no: trade.out_trade_no,
    trade_no: trade.trade_no,
    trade_status: trade.trade_status,
    total_amount: trade.total_amount,
    buyer_pay_amount: trade.trade_status === 'TRADE_SUCCESS' ? trade.total_amount : '0.00',
    buyer_user_id: trade.buyer_id,
    send_pay_date: trade.gmt_payment,
  };
}

function cashier(trade: AlipayTrade): string {
  return payPageHtml({
    title: trade.method === 'alipay.trade.wap.pay' ? 'Alipay mobile cashier' : 'Alipay cashier',
    description: trade.subject,
    amountFen: Math.round(Number(trade.total_amount) * 100),
    reference: trade.out_trade_no,
    state: trade.trade_status,
    action: `/sandbox/alipay/pay/${encodeURIComponent(trade.out_trade_no)}`,
    accent: '#1677ff',
  });
}

function errorPage(node: Answer): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>支付宝 - 错误</title></head>
<body><h1>支付存在钓鱼风险或参数错误</h1><p>错误代码 <code id="code">${escapeHtml(node.sub_code ?? node.code)}</code></p>
<p>${escapeHtml(node.sub_msg ?? node.msg)}</p></body></html>`;
}
