import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { sendPaymentNotify } from './notify';
import type { OrderBook } from './order-book';
import { payPageHtml } from './pay-page';

const payBodySchema = z.object({ result: z.enum(['success', 'fail']).optional() }).optional();

function controlError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/**
 * The payer's side of the sandbox channel: the pay page (`code_url`) and the action that
 * pays (or fails) an order. Paying sends the merchant a WeChat Pay v3 notify and answers
 * with what the merchant server replied; paying a paid order resends the notify, which is
 * how to exercise the merchant's idempotency. A failed payment sends no notify (WeChat Pay
 * only notifies successes); the order's query then shows `PAYERROR`.
 */
export function payRouter(ctx: SandboxContext, orders: OrderBook): Router {
  const router = express.Router();

  router.get('/sandbox/pay/:outTradeNo', (req: Request, res: Response) => {
    const order = orders.get(String(req.params.outTradeNo));
    if (!order) return void res.status(404).type('text/plain').send('order not found');
    res.type('html').send(payPageHtml(order));
  });

  router.post('/sandbox/pay/:outTradeNo', express.json(), async (req: Request, res: Response) => {
    ctx.calls.record('sandbox:pay');
    const parsed = payBodySchema.safeParse(req.body);
    if (!parsed.success) return controlError(res, 400, 'VALIDATION_FAILED', 'result must be "success" or "fail"');
    const order = orders.get(String(req.params.outTradeNo));
    if (!order) return controlError(res, 404, 'ORDER_NOT_EXIST', 'no such order at the sandbox');
    if (order.trade_state === 'CLOSED') return controlError(res, 409, 'ORDER_CLOSED', 'the order is closed');
    if (parsed.data?.result === 'fail') {
      if (order.trade_state === 'SUCCESS') return controlError(res, 409, 'ORDERPAID', 'the order is already paid');
      orders.setState(order, 'PAYERROR');
      return void res.json({ outTradeNo: order.out_trade_no, tradeState: order.trade_state, notify: null });
    }
    orders.markPaid(order);
    const notify = await sendPaymentNotify(ctx.keys, order);
    res.json({
      outTradeNo: order.out_trade_no,
      tradeState: order.trade_state,
      transactionId: order.transaction_id,
      notify,
    });
  });
  return router;
}
