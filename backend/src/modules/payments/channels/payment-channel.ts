import type { IncomingHttpHeaders } from 'node:http';
import type { Response } from 'express';
import type { ChannelName, PayScene } from '../payments.config';

/** What a channel reports about one payment, from a verified notify or an active query. */
export interface ChannelPayment {
  outTradeNo: string;
  /** The channel's own transaction id; null until paid. */
  transactionId: string | null;
  state: 'paid' | 'pending' | 'closed' | 'failed';
  amountFen: number;
}

export interface CreatePaymentInput {
  outTradeNo: string;
  amountFen: number;
  description: string;
  notifyUrl: string;
  /** When the channel should stop accepting the payment. */
  expiresAt: Date;
  /** One of the channel's `scenes`. */
  scene: PayScene;
  /** Where the payer's browser returns after paying (Alipay return_url, WeChat H5 redirect_url). */
  returnUrl: string;
  /** Where the payer goes when giving up on a phone cashier (Alipay WAP quit_url). */
  quitUrl: string;
  /** The payer's address (WeChat H5 needs it). */
  clientIp: string;
  /** The payer's openid under the paying app (WeChat JSAPI). */
  openid?: string;
}

export interface NotifyRequest {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed body (JSON object or urlencoded form). */
  body: unknown;
}

/** A notify that must not be acted on; `status` is what the channel is answered. */
export class NotifyRejectedError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'NotifyRejectedError';
  }
}

/** One payment provider behind the purchase → notify → grant story. */
export interface PaymentChannel {
  readonly name: ChannelName;
  /** The scenes this channel offers, most general first. */
  readonly scenes: readonly PayScene[];
  /** Registers the payment with the provider; returns what the client needs to pay. */
  createPayment(input: CreatePaymentInput): Promise<Record<string, unknown>>;
  /**
   * Verifies the notify's signature and merchant/app ids and returns the payment it reports.
   * @throws NotifyRejectedError when it is not authentic or not for this merchant.
   */
  parseNotify(req: NotifyRequest): Promise<ChannelPayment>;
  /** Asks the provider for the order's state; null when the provider does not know it. */
  query(outTradeNo: string): Promise<ChannelPayment | null>;
  /** Asks the provider to stop accepting the payment (the payer gave up or the time ran out). */
  close(outTradeNo: string): Promise<void>;
  /** The answer that stops the provider's retries. */
  answerSuccess(res: Response): void;
  /** The answer that makes the provider retry later (or tells it the message was refused). */
  answerFailure(res: Response, status: number, message: string): void;
}
