import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import type { Response } from 'express';
import type { AlipaySdk } from 'alipay-sdk';
import type { AlipayConfig, AlipayScene } from '../payments.config';
import {
  NotifyRejectedError,
  type ChannelPayment,
  type CreatePaymentInput,
  type NotifyRequest,
  type PaymentChannel,
} from './payment-channel';

const STATES: Record<string, ChannelPayment['state']> = {
  TRADE_SUCCESS: 'paid',
  TRADE_FINISHED: 'paid',
  WAIT_BUYER_PAY: 'pending',
  TRADE_CLOSED: 'closed',
};

/** "99.00" → 9900 without floating point; null when it is not a money amount. */
export function yuanToFen(value: unknown): number | null {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(value ?? ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/**
 * RSA2 check of an async notify, as `checkNotifySignV2` does it: `key=value` pairs of every
 * parameter but `sign`/`sign_type`, sorted by key, joined with `&`, values as received (the body
 * parser already URL-decoded them, which is what Alipay signed), SHA256withRSA.
 */
export function verifyAlipayNotify(form: Record<string, unknown>, alipayPublicKey: KeyObject): boolean {
  if (typeof form.sign !== 'string' || !form.sign) return false;
  const content = Object.keys(form)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && form[k] !== undefined && form[k] !== '')
    .sort()
    .map((k) => `${k}=${String(form[k])}`)
    .join('&');
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(alipayPublicKey, form.sign, 'base64');
  } catch {
    return false;
  }
}

/** The page methods, by scene: a desktop cashier, a phone cashier. */
const PAGE_PAY = {
  page: { method: 'alipay.trade.page.pay', productCode: 'FAST_INSTANT_TRADE_PAY' },
  wap: { method: 'alipay.trade.wap.pay', productCode: 'QUICK_WAP_WAY' },
} as const;

/**
 * Alipay. Pay params (page or WAP cashier URL, or a precreate QR code), queries and closes go
 * through the official alipay-sdk, which signs each request and verifies each answer's
 * signature (`validateSign`). It is loaded on first use: it brings urllib, which patches
 * `net.Socket` process-wide, so processes without the Alipay channel never load it. Notifies
 * are verified here with node:crypto (`verifyAlipayNotify`, the same algorithm as the SDK's
 * checkNotifySignV2).
 */
export class AlipayChannel implements PaymentChannel {
  readonly name = 'alipay' as const;
  private sdk: AlipaySdk | null = null;
  private readonly alipayKey: KeyObject;

  constructor(
    private readonly config: AlipayConfig,
    readonly scenes: readonly AlipayScene[] = ['page'],
  ) {
    this.alipayKey = createPublicKey(
      config.alipayPublicKey.includes('BEGIN') ? config.alipayPublicKey : toPem(config.alipayPublicKey),
    );
  }

  private async client(): Promise<AlipaySdk> {
    if (!this.sdk) {
      const { AlipaySdk: Sdk } = await import('alipay-sdk');
      this.sdk = new Sdk({
        appId: this.config.appId,
        privateKey: this.config.privateKey,
        alipayPublicKey: this.config.alipayPublicKey,
        gateway: this.config.gateway,
        signType: 'RSA2',
        keyType: this.config.privateKey.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8',
      });
    }
    return this.sdk;
  }

  async createPayment(input: CreatePaymentInput): Promise<Record<string, unknown>> {
    const bizContent = {
      out_trade_no: input.outTradeNo,
      total_amount: fenToYuan(input.amountFen),
      subject: input.description,
      time_expire: toChinaTime(input.expiresAt),
    };
    const sdk = await this.client();
    if (input.scene === 'qr') {
      const result = await sdk.exec(
        'alipay.trade.precreate',
        { notify_url: input.notifyUrl, bizContent },
        { validateSign: true },
      );
      if (result.code !== '10000')
        throw new Error(`alipay.trade.precreate failed: ${result.code} ${result.subMsg ?? result.msg}`);
      return { outTradeNo: input.outTradeNo, qrCode: result.qrCode as string };
    }
    const page = PAGE_PAY[input.scene === 'wap' ? 'wap' : 'page'];
    const payUrl = sdk.pageExec(page.method, 'GET', {
      notify_url: input.notifyUrl,
      return_url: input.returnUrl,
      bizContent: {
        ...bizContent,
        product_code: page.productCode,
        ...(input.scene === 'wap' ? { quit_url: input.quitUrl } : {}),
      },
    });
    return { outTradeNo: input.outTradeNo, payUrl };
  }

  async close(outTradeNo: string): Promise<void> {
    const result = await (
      await this.client()
    ).exec('alipay.trade.close', { bizContent: { out_trade_no: outTradeNo } }, { validateSign: true });
    // A trade the payer never opened does not exist at Alipay yet: nothing to close.
    if (result.code !== '10000' && result.subCode !== 'ACQ.TRADE_NOT_EXIST')
      throw new Error(`alipay.trade.close failed: ${result.code} ${result.subMsg ?? result.msg}`);
  }

  async parseNotify(req: NotifyRequest): Promise<ChannelPayment> {
    const form = (req.body ?? {}) as Record<string, string>;
    if (!verifyAlipayNotify(form, this.alipayKey)) throw new NotifyRejectedError('signature verification failed', 401);
    if (form.app_id !== this.config.appId) throw new NotifyRejectedError(`app_id ${form.app_id} is not ours`);
    if (this.config.sellerId && form.seller_id !== this.config.sellerId)
      throw new NotifyRejectedError(`seller_id ${form.seller_id} is not ours`);
    return this.toPayment(form.out_trade_no, form.trade_no, form.trade_status, form.total_amount);
  }

  async query(outTradeNo: string): Promise<ChannelPayment | null> {
    const result = await (
      await this.client()
    ).exec('alipay.trade.query', { bizContent: { out_trade_no: outTradeNo } }, { validateSign: true });
    if (result.code !== '10000') {
      if (result.subCode === 'ACQ.TRADE_NOT_EXIST') return null;
      throw new Error(`alipay.trade.query failed: ${result.code} ${result.subMsg ?? result.msg}`);
    }
    return this.toPayment(result.outTradeNo, result.tradeNo, result.tradeStatus, result.totalAmount);
  }

  answerSuccess(res: Response): void {
    res.status(200).type('text/plain').send('success');
  }

  answerFailure(res: Response, status: number): void {
    // Anything but "success" makes Alipay retry; the status only helps our own logs and tests.
    res.status(status).type('text/plain').send('failure');
  }

  private toPayment(outTradeNo: unknown, tradeNo: unknown, status: unknown, totalAmount: unknown): ChannelPayment {
    const amountFen = yuanToFen(totalAmount);
    if (typeof outTradeNo !== 'string' || !outTradeNo || amountFen === null)
      throw new NotifyRejectedError('notify without out_trade_no or amount');
    return {
      outTradeNo,
      transactionId: typeof tradeNo === 'string' && tradeNo ? tradeNo : null,
      state: STATES[String(status)] ?? 'pending',
      amountFen,
    };
  }
}

/** Alipay wants `yyyy-MM-dd HH:mm:ss` in China time (UTC+8, no daylight saving). */
function toChinaTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Alipay's console hands out the public key as bare base64; wrap it as SPKI PEM. */
function toPem(base64: string): string {
  return `-----BEGIN PUBLIC KEY-----\n${base64.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
}
