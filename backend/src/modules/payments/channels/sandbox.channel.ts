import { readFileSync } from 'node:fs';
import type { Response } from 'express';
import type { AlipayConfig, PayScene, WechatPayConfig } from '../payments.config';
import type { ChannelPayment, CreatePaymentInput, NotifyRequest, PaymentChannel } from './payment-channel';
import { WechatPayChannel } from './wechatpay.channel';

/** The fields of the sandbox's `sandbox-keys.json` (sandbox/src/keys.ts) that the merchant side uses. */
interface SandboxKeyFile {
  mchid: string;
  appid: string;
  apiV3Key: string;
  platform: { publicKeyId: string; publicKeyPem: string };
  merchant: { serial: string; privateKeyPem: string };
  alipay?: { appId: string; sellerId: string; appPrivateKeyPem: string; alipayPublicKeyPem: string };
}

const readKeys = (keysFile: string) => JSON.parse(readFileSync(keysFile, 'utf8')) as SandboxKeyFile;
const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

export function sandboxWechatConfig(keysFile: string, sandboxUrl: string): WechatPayConfig {
  const keys = readKeys(keysFile);
  return {
    mchid: keys.mchid,
    appid: keys.appid,
    apiV3Key: keys.apiV3Key,
    publicKey: keys.platform.publicKeyPem,
    publicKeyId: keys.platform.publicKeyId,
    merchantSerial: keys.merchant.serial,
    merchantPrivateKey: keys.merchant.privateKeyPem,
    baseUrl: withSlash(sandboxUrl),
  };
}

/** Alipay pointed at the sandbox's gateway with the app key the sandbox generated. */
export function sandboxAlipayConfig(keysFile: string, sandboxUrl: string): AlipayConfig {
  const keys = readKeys(keysFile).alipay;
  if (!keys) throw new Error(`${keysFile} has no Alipay keys; start the sandbox once to complete it`);
  return {
    appId: keys.appId,
    sellerId: keys.sellerId,
    privateKey: keys.appPrivateKeyPem,
    alipayPublicKey: keys.alipayPublicKeyPem,
    gateway: `${withSlash(sandboxUrl)}gateway.do`,
  };
}

/**
 * A channel built on first use: the sandbox may start (and write its key file) after the
 * backend, so channels that read that file cannot be built at start-up.
 */
export class LazyChannel implements PaymentChannel {
  private inner: PaymentChannel | null = null;

  constructor(
    readonly name: PaymentChannel['name'],
    readonly scenes: readonly PayScene[],
    private readonly build: () => PaymentChannel,
  ) {}

  protected channel(): PaymentChannel {
    this.inner ??= this.build();
    return this.inner;
  }

  createPayment(input: CreatePaymentInput): Promise<Record<string, unknown>> {
    return this.channel().createPayment(input);
  }

  parseNotify(req: NotifyRequest): Promise<ChannelPayment> {
    return this.channel().parseNotify(req);
  }

  query(outTradeNo: string): Promise<ChannelPayment | null> {
    return this.channel().query(outTradeNo);
  }

  close(outTradeNo: string): Promise<void> {
    return this.channel().close(outTradeNo);
  }

  answerSuccess(res: Response): void {
    this.channel().answerSuccess(res);
  }

  answerFailure(res: Response, status: number, message: string): void {
    this.channel().answerFailure(res, status, message);
  }
}

/**
 * Channel `sandbox`: the real WeChat Pay v3 code (Native), talking to the local sandbox with the
 * keys the sandbox generated, plus `payUrl`, the sandbox's "act as the payer" page, so a
 * developer can pay without scanning anything.
 */
export class SandboxPayChannel extends LazyChannel {
  constructor(
    keysFile: string,
    private readonly sandboxUrl: string,
  ) {
    super('sandbox', ['native'], () => new WechatPayChannel('sandbox', sandboxWechatConfig(keysFile, sandboxUrl)));
  }

  override async createPayment(input: CreatePaymentInput): Promise<Record<string, unknown>> {
    const params = await this.channel().createPayment({ ...input, scene: 'native' });
    const payUrl = `${this.sandboxUrl.replace(/\/$/, '')}/sandbox/pay/${encodeURIComponent(input.outTradeNo)}`;
    return { ...params, payUrl };
  }
}
