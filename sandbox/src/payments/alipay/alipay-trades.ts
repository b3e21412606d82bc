import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type AlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';

/** One Alipay trade as the sandbox keeps it (field names as in Alipay's answers). */
export interface AlipayTrade {
  out_trade_no: string;
  method: string;
  subject: string;
  /** Yuan with two decimals, as Alipay writes amounts. */
  total_amount: string;
  trade_status: AlipayTradeStatus;
  notify_url: string;
  return_url?: string;
  quit_url?: string;
  time_expire?: string;
  /** The token inside a precreate `qr_code`. */
  qr_token?: string;
  trade_no?: string;
  buyer_id?: string;
  gmt_create: string;
  gmt_payment?: string;
}

/** Alipay trade numbers: the date and 20 digits. */
function newTradeNo(now: Date): string {
  const digits = Array.from(randomBytes(20), (b) => String(b % 10)).join('');
  return `${now.toISOString().slice(0, 10).replace(/-/g, '')}${digits}`;
}

/** Trades kept in a JSON file, so a restarted sandbox still answers `alipay.trade.query`. */
export class AlipayTradeBook {
  private readonly trades = new Map<string, AlipayTrade>();

  constructor(private readonly file: string) {
    try {
      for (const t of JSON.parse(readFileSync(file, 'utf8')) as AlipayTrade[]) this.trades.set(t.out_trade_no, t);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  get(outTradeNo: string): AlipayTrade | undefined {
    return this.trades.get(outTradeNo);
  }

  byQrToken(token: string): AlipayTrade | undefined {
    return [...this.trades.values()].find((t) => t.qr_token === token);
  }

  add(trade: AlipayTrade): void {
    this.trades.set(trade.out_trade_no, trade);
    this.save();
  }

  /** Pays once; paying again keeps the first trade_no (the notify is resent). */
  markPaid(trade: AlipayTrade, now: Date, time: (d: Date) => string): void {
    if (trade.trade_status !== 'TRADE_SUCCESS') {
      trade.trade_status = 'TRADE_SUCCESS';
      trade.trade_no = newTradeNo(now);
      trade.buyer_id = `2088${Array.from(randomBytes(12), (b) => String(b % 10)).join('')}`;
      trade.gmt_payment = time(now);
    }
    this.save();
  }

  close(trade: AlipayTrade): void {
    trade.trade_status = 'TRADE_CLOSED';
    this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.trades.values()], null, 2));
    renameSync(tmp, this.file);
  }
}
