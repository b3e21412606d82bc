import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import type { Response } from 'express';
import type { AlipaySdk } from 'alipay-sdk';
import type { AlipayConfig } from '../payments.config';
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

/**
 * Alipay. Pay params (page-pay URL or precreate QR code) and order queries go through the
 * official alipay-sdk, loaded on first use: it brings urllib, which patches `net.Socket`
 * process-wide, so processes without the Alipay channel never load it. Notifies are verified
 * here with node:crypto (`verifyAlipayNotify`, the same algorithm as the SDK's checkNotifySignV2).
 */
export class AlipayChannel implements PaymentChannel {
  readonly name = 'alipay' as const;
  private sdk: AlipaySdk | null = null;
  private readonly alipayKey: KeyObject;

  constructor(private readonly config: AlipayConfig) {
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
    if (this.config.payMode === 'precreate') {
      const result = await sdk.exec('alipay.trade.precreate', { notify_url: input.notifyUrl, bizContent });
      if (result.code !== '10000')
        throw new Error(`alipay.trade.precreate failed: ${result.code} ${result.subMsg ?? result.msg}`);
      return { outTradeNo: input.outTradeNo, qrCode: result.qrCode as string };
    }
    const payUrl = sdk.pageExec('alipay.trade.page.pay', 'GET', {
      notify_url: input.notifyUrl,
      ...(this.config.returnUrl ? { return_url: this.config.returnUrl } : {}),
      bizContent: { ...bizContent, product_code: 'FAST_INSTANT_TRADE_PAY' },
    });
    return { outTradeNo: input.outTradeNo, payUrl };
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
    const result = await (await this.client()).exec('alipay.trade.query', { bizContent: { out_trade_no: outTradeNo } });
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
