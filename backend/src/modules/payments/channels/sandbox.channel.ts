import { readFileSync } from 'node:fs';
import type { Response } from 'express';
import type { WechatPayConfig } from '../payments.config';
import type { ChannelPayment, CreatePaymentInput, NotifyRequest, PaymentChannel } from './payment-channel';
import { WechatPayChannel } from './wechatpay.channel';

/** The fields of the sandbox's `sandbox-keys.json` (sandbox/src/keys.ts) that the merchant side uses. */
interface SandboxKeyFile {
  mchid: string;
  appid: string;
  apiV3Key: string;
  platform: { publicKeyId: string; publicKeyPem: string };
  merchant: { serial: string; privateKeyPem: string };
}

export function sandboxWechatConfig(keysFile: string, sandboxUrl: string): WechatPayConfig {
  const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as SandboxKeyFile;
  return {
    mchid: keys.mchid,
    appid: keys.appid,
    apiV3Key: keys.apiV3Key,
    publicKey: keys.platform.publicKeyPem,
    publicKeyId: keys.platform.publicKeyId,
    merchantSerial: keys.merchant.serial,
    merchantPrivateKey: keys.merchant.privateKeyPem,
    baseUrl: sandboxUrl.endsWith('/') ? sandboxUrl : `${sandboxUrl}/`,
  };
}

/**
 * Channel `sandbox`: the real WeChat Pay v3 code, talking to the local sandbox with the keys the
 * sandbox generated. The key file is read on first use because the sandbox may start (and write
 * it) after the backend; `payUrl` is the sandbox's "act as the payer" endpoint.
 */
export class SandboxPayChannel implements PaymentChannel {
  readonly name = 'sandbox' as const;
  private inner: WechatPayChannel | null = null;

  constructor(
    private readonly keysFile: string,
    private readonly sandboxUrl: string,
  ) {}

  private wechat(): WechatPayChannel {
    this.inner ??= new WechatPayChannel('sandbox', sandboxWechatConfig(this.keysFile, this.sandboxUrl));
    return this.inner;
  }

  async createPayment(input: CreatePaymentInput): Promise<Record<string, unknown>> {
    const params = await this.wechat().createPayment(input);
    const payUrl = `${this.sandboxUrl.replace(/\/$/, '')}/sandbox/pay/${encodeURIComponent(input.outTradeNo)}`;
    return { ...params, payUrl };
  }

  parseNotify(req: NotifyRequest): Promise<ChannelPayment> {
    return this.wechat().parseNotify(req);
  }

  query(outTradeNo: string): Promise<ChannelPayment | null> {
    return this.wechat().query(outTradeNo);
  }

  answerSuccess(res: Response): void {
    res.status(204).end();
  }

  answerFailure(res: Response, status: number, message: string): void {
    res.status(status).json({ code: 'FAIL', message });
  }
}
