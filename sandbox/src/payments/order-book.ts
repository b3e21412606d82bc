import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chinaTime } from './wechatpay-crypto';

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'PAYERROR';
export type TradeType = 'NATIVE' | 'MWEB' | 'JSAPI';

/** A WeChat Pay order (Native, H5 or JSAPI) as the sandbox keeps it. */
export interface SandboxOrder {
  /** Absent on orders stored before H5/JSAPI existed: those were Native. */
  trade_type?: TradeType;
  /** The token inside a Native `code_url` (`weixin://wxpay/bizpayurl?pr=…`). */
  code_pr?: string;
  /** H5 and JSAPI: the prepay session the payer's client opens. */
  prepay_id?: string;
  /** RFC 3339; after it the order can no longer be paid. */
  time_expire?: string;
  appid: string;
  mchid: string;
  out_trade_no: string;
  description: string;
  notify_url: string;
  attach: string;
  amount: { total: number; currency: string };
  trade_state: TradeState;
  transaction_id?: string;
  success_time?: string;
  payer_openid?: string;
  created_at: string;
}

const STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '未支付',
  SUCCESS: '支付成功',
  CLOSED: '已关闭',
  PAYERROR: '支付失败',
};

/** The transaction object of a query answer or a notify resource (WeChat Pay v3 field names). */
export function transactionOf(order: SandboxOrder): Record<string, unknown> {
  const paid = order.trade_state === 'SUCCESS';
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.out_trade_no,
    transaction_id: order.transaction_id,
    trade_type: order.trade_type ?? 'NATIVE',
    trade_state: order.trade_state,
    trade_state_desc: STATE_DESC[order.trade_state],
    bank_type: paid ? 'OTHERS' : undefined,
    attach: order.attach,
    success_time: order.success_time,
    payer: order.payer_openid ? { openid: order.payer_openid } : undefined,
    amount: paid
      ? {
          total: order.amount.total,
          payer_total: order.amount.total,
          currency: order.amount.currency,
          payer_currency: order.amount.currency,
        }
      : { total: order.amount.total, currency: order.amount.currency },
  };
}

/** WeChat transaction ids: 28 digits starting with the date. */
function newTransactionId(now: Date): string {
  const digits = Array.from(randomBytes(16), (b) => String(b % 10)).join('');
  return `4200${now.toISOString().slice(0, 10).replace(/-/g, '')}${digits}`;
}

/** Orders kept in a JSON file, so a restarted sandbox still answers the backend's order queries. */
export class OrderBook {
  private readonly orders = new Map<string, SandboxOrder>();

  constructor(private readonly file: string) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as SandboxOrder[];
      for (const order of saved) this.orders.set(order.out_trade_no, order);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  get(outTradeNo: string): SandboxOrder | undefined {
    return this.orders.get(outTradeNo);
  }

  /** The order a Native `code_url` or an H5/JSAPI prepay id stands for. */
  find(match: { codePr?: string; prepayId?: string }): SandboxOrder | undefined {
    for (const order of this.orders.values()) {
      if (match.codePr && order.code_pr === match.codePr) return order;
      if (match.prepayId && order.prepay_id === match.prepayId) return order;
    }
    return undefined;
  }

  add(order: SandboxOrder): void {
    this.orders.set(order.out_trade_no, order);
    this.save();
  }

  /** Marks the order paid once; paying again keeps the first transaction id (notify resend). */
  markPaid(order: SandboxOrder): void {
    if (order.trade_state !== 'SUCCESS') {
      const now = new Date();
      order.trade_state = 'SUCCESS';
      order.transaction_id = newTransactionId(now);
      order.success_time = chinaTime(now);
      // A JSAPI order names its payer up front; Native and H5 payers are whoever scanned.
      order.payer_openid ??= `oSandbox${randomBytes(10).toString('hex')}`;
    }
    this.save();
  }

  setState(order: SandboxOrder, state: Exclude<TradeState, 'SUCCESS'>): void {
    order.trade_state = state;
    this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.orders.values()], null, 2));
    renameSync(tmp, this.file);
  }
}
