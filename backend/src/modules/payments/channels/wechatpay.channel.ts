import type { KeyObject } from 'node:crypto';
import type { Response } from 'express';
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import type { ChannelName, WechatPayConfig, WechatScene } from '../payments.config';
import {
  NotifyRejectedError,
  type ChannelPayment,
  type CreatePaymentInput,
  type NotifyRequest,
  type PaymentChannel,
} from './payment-channel';

/** WeChat Pay rejects notifies and answers whose timestamp is further off than this. */
const MAX_CLOCK_SKEW_SECONDS = 300;
const REQUEST_TIMEOUT_MS = 10_000;

interface WechatTransaction {
  mchid?: string;
  appid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  amount?: { total?: number; payer_total?: number };
}

interface NotifyEnvelope {
  event_type?: string;
  resource?: { algorithm?: string; ciphertext?: string; nonce?: string; associated_data?: string };
}

const STATES: Record<string, ChannelPayment['state']> = {
  SUCCESS: 'paid',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  CLOSED: 'closed',
  REVOKED: 'closed',
  REFUND: 'closed',
  PAYERROR: 'failed',
};

function header(req: NotifyRequest, name: string): string {
  const value = req.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * WeChat Pay API v3, public-key mode (`PUB_KEY_ID_…`). Requests are signed and answers verified
 * by wechatpay-axios-plugin; notifies are verified (SHA256-RSA over `ts\nnonce\nbody\n`) and
 * decrypted (AES-256-GCM) with the library's Rsa/Aes/Formatter helpers. The sandbox channel is
 * this class pointed at the local sandbox with its generated keys.
 */
export class WechatPayChannel implements PaymentChannel {
  private readonly client: Wechatpay;
  private readonly publicKey: KeyObject;
  private readonly merchantKey: KeyObject;

  constructor(
    readonly name: ChannelName,
    private readonly config: WechatPayConfig,
    readonly scenes: readonly WechatScene[] = ['native'],
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.publicKey = Rsa.from(config.publicKey, Rsa.KEY_TYPE_PUBLIC);
    this.merchantKey = Rsa.from(config.merchantPrivateKey, Rsa.KEY_TYPE_PRIVATE);
    this.client = new Wechatpay({
      mchid: config.mchid,
      serial: config.merchantSerial,
      privateKey: config.merchantPrivateKey,
      // The plugin verifies every API answer with this key (its own Rsa.from parses the PEM).
      certs: { [config.publicKeyId]: config.publicKey },
      baseURL: config.baseUrl,
      timeout: REQUEST_TIMEOUT_MS,
    });
  }

  /**
   * Native answers a `code_url` for a QR code; H5 an `h5_url` the phone browser opens (with our
   * `redirect_url` appended, where the payer returns); JSAPI the `getBrandWCPayRequest`
   * parameters, signed with the merchant key, for the WeChat client of `openid`.
   */
  async createPayment(input: CreatePaymentInput): Promise<Record<string, unknown>> {
    const order = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: input.description,
      out_trade_no: input.outTradeNo,
      notify_url: input.notifyUrl,
      time_expire: input.expiresAt.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      amount: { total: input.amountFen, currency: 'CNY' },
    };
    const base = { outTradeNo: input.outTradeNo };
    const pay = this.client.v3.pay.transactions;
    if (input.scene === 'h5') {
      const { data } = await pay.h5.post({
        ...order,
        scene_info: { payer_client_ip: input.clientIp, h5_info: { type: 'Wap' } },
      });
      const h5Url = (data as { h5_url?: string }).h5_url;
      if (!h5Url) throw new Error('WeChat Pay answered no h5_url');
      return { ...base, h5Url: `${h5Url}&redirect_url=${encodeURIComponent(input.returnUrl)}` };
    }
    if (input.scene === 'jsapi') {
      if (!input.openid) throw new Error('JSAPI needs the payer openid');
      const { data } = await pay.jsapi.post({ ...order, payer: { openid: input.openid } });
      const prepayId = (data as { prepay_id?: string }).prepay_id;
      if (!prepayId) throw new Error('WeChat Pay answered no prepay_id');
      const params = {
        appId: this.config.appid,
        timeStamp: String(Formatter.timestamp()),
        nonceStr: Formatter.nonce(),
        package: `prepay_id=${prepayId}`,
        signType: 'RSA',
      };
      const message = Formatter.joinedByLineFeed(params.appId, params.timeStamp, params.nonceStr, params.package);
      return { ...base, jsapi: { ...params, paySign: Rsa.sign(message, this.merchantKey) } };
    }
    const { data } = await pay.native.post(order);
    return { ...base, codeUrl: (data as { code_url?: string }).code_url ?? null };
  }

  async close(outTradeNo: string): Promise<void> {
    await this.client.v3.pay.transactions['out-trade-no']['{out_trade_no}'].close.post(
      { mchid: this.config.mchid },
      { out_trade_no: outTradeNo },
    );
  }

  async parseNotify(req: NotifyRequest): Promise<ChannelPayment> {
    const timestamp = header(req, 'Wechatpay-Timestamp');
    const nonce = header(req, 'Wechatpay-Nonce');
    const signature = header(req, 'Wechatpay-Signature');
    const serial = header(req, 'Wechatpay-Serial');
    if (!timestamp || !nonce || !signature) throw new NotifyRejectedError('missing Wechatpay signature headers', 401);
    if (!/^\d+$/.test(timestamp) || Math.abs(this.nowSeconds() - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
      throw new NotifyRejectedError('Wechatpay-Timestamp is outside the allowed window', 401);
    }
    if (serial !== this.config.publicKeyId) throw new NotifyRejectedError(`unknown Wechatpay-Serial ${serial}`, 401);
    const body = req.rawBody.toString('utf8');
    let valid = false;
    try {
      valid = Rsa.verify(Formatter.response(timestamp, nonce, body), signature, this.publicKey);
    } catch {
      valid = false;
    }
    if (!valid) throw new NotifyRejectedError('signature verification failed', 401);

    const envelope = JSON.parse(body) as NotifyEnvelope;
    const r = envelope.resource;
    if (r?.algorithm !== 'AEAD_AES_256_GCM' || !r.ciphertext || !r.nonce)
      throw new NotifyRejectedError('unsupported notify resource');
    let transaction: WechatTransaction;
    try {
      transaction = JSON.parse(
        Aes.AesGcm.decrypt(r.ciphertext, this.config.apiV3Key, r.nonce, r.associated_data ?? ''),
      ) as WechatTransaction;
    } catch {
      throw new NotifyRejectedError('resource decryption failed');
    }
    return this.toPayment(transaction);
  }

  async query(outTradeNo: string): Promise<ChannelPayment | null> {
    try {
      const { data } = await this.client.v3.pay.transactions['out-trade-no']['{out_trade_no}'].get({
        params: { mchid: this.config.mchid },
        out_trade_no: outTradeNo,
      });
      return this.toPayment(data as WechatTransaction);
    } catch (err) {
      const status = (err as { response?: { status?: number } }).response?.status;
      if (status === 404) return null;
      throw err;
    }
  }

  answerSuccess(res: Response): void {
    res.status(204).end();
  }

  answerFailure(res: Response, status: number, message: string): void {
    res.status(status).json({ code: 'FAIL', message });
  }

  /** Checks that the transaction belongs to this merchant and app before anything trusts it. */
  private toPayment(t: WechatTransaction): ChannelPayment {
    if (t.mchid !== this.config.mchid) throw new NotifyRejectedError(`mchid ${t.mchid} is not ours`);
    if (t.appid !== this.config.appid) throw new NotifyRejectedError(`appid ${t.appid} is not ours`);
    if (!t.out_trade_no || typeof t.amount?.total !== 'number')
      throw new NotifyRejectedError('transaction without out_trade_no or amount');
    return {
      outTradeNo: t.out_trade_no,
      transactionId: t.transaction_id ?? null,
      state: STATES[t.trade_state ?? ''] ?? 'pending',
      amountFen: t.amount.total,
    };
  }
}
