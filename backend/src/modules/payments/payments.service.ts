import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/config';
import { isUniqueViolation } from '../../db/db-errors';
import { isoOrNull } from '../../db/time';
import { inTransaction } from '../../db/transaction';
import { AppError, NotFoundError, ServiceUnavailableError, ValidationError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import type { Clock, LedgerService } from '../ledger/ledger.service';
import type { PlansService } from '../membership/plans.service';
import {
  NotifyRejectedError,
  type ChannelPayment,
  type NotifyRequest,
  type PaymentChannel,
} from './channels/payment-channel';
import type { Db } from '../../db/transaction';
import type { Order, OrderPack, OrdersRepository } from './orders.repository';
import type { ChannelName, PayScene } from './payments.config';

export interface OrderView {
  id: string;
  status: Order['status'];
  amountFen: number;
  channel: ChannelName;
  planId: string;
  /** What was bought: the membership plan, or a credit pack with its name and credits. */
  item: { kind: 'membership'; planId: string } | { kind: 'pack'; packId: string; name: string; credits: number };
  createdAt: string;
  paidAt: string | null;
  /** Until when the payer may pay (the channel's time_expire). */
  expiresAt: string;
}

/**
 * Runs inside the transaction that marks an order paid, after the membership grant: what else
 * paying means (a credit pack's credits, an invite reward). It must be keyed like every grant.
 */
export type PaidOrderHook = (tx: Db, order: Order) => Promise<void>;

export interface PurchaseInput {
  planId?: string;
  /** Buy this credit pack instead of the membership. */
  pack?: OrderPack & { priceFen: number };
  channel: ChannelName;
  /** Default: the channel's first scene. */
  scene?: PayScene;
  /** WeChat JSAPI: the payer's openid under the paying app. */
  openid?: string;
  clientIp: string;
}

export interface PurchaseOutcome {
  order: OrderView;
  outTradeNo: string;
  payParams: Record<string, unknown>;
  /** An earlier pending order was answered again instead of a new one. */
  resumed: boolean;
}

/** Stored pay params, or null when absent or not an object (never trusted blindly). */
function parsePayParams(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export type SettleOutcome = 'settled' | 'already_paid' | 'not_paid';
export type NotifyOutcome = { ok: true; outcome: SettleOutcome } | { ok: false; status: number; message: string };

export function toOrderView(o: Order, payTimeoutSeconds: number): OrderView {
  const createdAt = isoOrNull(o.createdAt)!;
  return {
    id: o.id,
    status: o.status,
    amountFen: o.amountFen,
    channel: o.channel,
    planId: o.planId,
    item:
      o.packId !== null && o.packId !== undefined
        ? { kind: 'pack', packId: o.packId, name: o.itemName ?? '', credits: o.credits ?? 0 }
        : { kind: 'membership', planId: o.planId },
    createdAt,
    paidAt: isoOrNull(o.paidAt),
    expiresAt: new Date(Date.parse(createdAt) + payTimeoutSeconds * 1000).toISOString(),
  };
}

export interface PaymentsServiceDeps {
  ds: DataSource;
  config: AppConfig;
  orders: OrdersRepository;
  plans: PlansService;
  ledger: LedgerService;
  channels: Map<ChannelName, PaymentChannel>;
  logger: Logger;
  clock?: Clock;
}

/**
 * The purchase story: create a pending order → the channel's pay params → a verified notify
 * (or an active query) → settle in ONE transaction: order paid + `grant:<orderId>` + expiry.
 */
export class PaymentsService {
  private readonly ds: DataSource;
  private readonly config: AppConfig;
  private readonly orders: OrdersRepository;
  private readonly plans: PlansService;
  private readonly ledger: LedgerService;
  private readonly channels: Map<ChannelName, PaymentChannel>;
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(deps: PaymentsServiceDeps) {
    this.ds = deps.ds;
    this.config = deps.config;
    this.orders = deps.orders;
    this.plans = deps.plans;
    this.ledger = deps.ledger;
    this.channels = deps.channels;
    this.logger = deps.logger;
    this.clock = deps.clock ?? (() => new Date());
  }

  private readonly paidHooks: PaidOrderHook[] = [];

  /** Adds what paying an order also does (credits module: packs, invite rewards). */
  onPaid(hook: PaidOrderHook): void {
    this.paidHooks.push(hook);
  }

  /** The channels the portal may offer, each with its scenes. */
  enabledChannels(): Array<{ channel: ChannelName; scenes: PayScene[] }> {
    return [...this.channels.values()].map((c) => ({ channel: c.name, scenes: [...c.scenes] }));
  }

  view(order: Order): OrderView {
    return toOrderView(order, this.config.payments.payTimeoutSeconds);
  }

  /**
   * Buys the plan or a pack. A pending order of this user that sells the same thing, by the same
   * channel and scene, for the same amount, with enough of its pay time left, is resumed instead
   * (its stored pay params are answered again): a reload or a second click never opens a second
   * order. JSAPI orders are tied to the payer's openid and are never resumed.
   */
  async purchase(userId: string, input: PurchaseInput): Promise<PurchaseOutcome> {
    const channel = this.channels.get(input.channel);
    if (!channel)
      throw new AppError(400, 'CHANNEL_NOT_ENABLED', `The payment channel "${input.channel}" is not enabled`);
    const scene = input.scene ?? channel.scenes[0];
    if (!scene || !channel.scenes.includes(scene))
      throw new AppError(400, 'SCENE_NOT_ENABLED', `"${input.channel}" does not offer the scene "${input.scene}"`);
    if (scene === 'jsapi' && !input.openid) throw new ValidationError('openid: required for the jsapi scene');
    const plan = input.pack ? null : await this.plans.find(input.planId);
    if (!input.pack && !plan) throw new ValidationError(`Unknown plan "${input.planId}"`);
    const item = input.pack
      ? { planId: 'pack', amountFen: input.pack.priceFen, name: input.pack.name }
      : { planId: plan!.id, amountFen: plan!.priceFen, name: plan!.name };
    const now = this.clock();
    if (scene !== 'jsapi') {
      const open = await this.orders.findResumable(this.ds.manager, userId, this.resumableSince(now), {
        planId: item.planId,
        packId: input.pack?.id ?? null,
        amountFen: item.amountFen,
        channel: channel.name,
        scene,
      });
      const stored = open && parsePayParams(open.payParams);
      if (open && stored)
        return { order: this.view(open), outTradeNo: open.outTradeNo, payParams: stored, resumed: true };
    }
    const outTradeNo = `AP${now.getTime()}${randomBytes(6).toString('hex')}`;
    const order = await this.orders.create(
      this.ds.manager,
      {
        userId,
        planId: item.planId,
        amountFen: item.amountFen,
        channel: channel.name,
        outTradeNo,
        pack: input.pack ? { id: input.pack.id, name: input.pack.name, credits: input.pack.credits } : null,
        scene,
      },
      now,
    );
    const { returnUrl, payTimeoutSeconds } = this.config.payments;
    let payParams: Record<string, unknown>;
    try {
      payParams = await channel.createPayment({
        outTradeNo,
        amountFen: item.amountFen,
        description: `AI Photo ${item.name}`,
        notifyUrl: `${this.config.http.publicBaseUrl.replace(/\/$/, '')}/api/v1/payments/${channel.name}/notify`,
        expiresAt: new Date(now.getTime() + payTimeoutSeconds * 1000),
        scene,
        returnUrl: `${returnUrl}${returnUrl.includes('?') ? '&' : '?'}orderId=${encodeURIComponent(order.id)}`,
        quitUrl: new URL('/billing', returnUrl).toString(),
        clientIp: input.clientIp,
        openid: input.openid,
      });
    } catch (err) {
      this.logger.error({ err, orderId: order.id, channel: channel.name }, 'payment channel refused the order');
      await this.orders.setStatus(this.ds.manager, order.id, 'pending', 'failed', this.clock());
      throw new ServiceUnavailableError(
        'The payment channel is not reachable; please try again',
        'PAYMENT_CHANNEL_UNAVAILABLE',
      );
    }
    if (scene !== 'jsapi') await this.orders.savePayParams(this.ds.manager, order.id, payParams);
    return { order: this.view(order), outTradeNo, payParams, resumed: false };
  }

  /** The merchant's newest order that can still be paid where it was started (null when none). */
  async pendingOrder(
    userId: string,
  ): Promise<{ order: OrderView; scene: PayScene; payParams: Record<string, unknown> } | null> {
    const open = await this.orders.findResumable(this.ds.manager, userId, this.resumableSince(this.clock()));
    const payParams = open && parsePayParams(open.payParams);
    // A channel or scene switched off since the order was made cannot be resumed.
    const scene = open && this.channels.get(open.channel)?.scenes.find((s) => s === open.scene);
    if (!open || !payParams || !scene) return null;
    return { order: this.view(open), scene, payParams };
  }

  /**
   * Orders created after this moment still have at least a tenth of their pay time (at most two
   * minutes) left: enough to scan a code or finish at the cashier.
   */
  private resumableSince(now: Date): Date {
    const timeout = this.config.payments.payTimeoutSeconds;
    const margin = Math.min(120, Math.ceil(timeout / 10));
    return new Date(now.getTime() - (timeout - margin) * 1000);
  }

  /** The merchant's own order (404 for anyone else's); `refresh` asks the channel first. */
  async getOrder(userId: string, orderId: string, refresh = false): Promise<OrderView> {
    let order = await this.orders.findForUser(this.ds.manager, userId, orderId);
    if (!order) throw new NotFoundError('Order not found');
    if (refresh && order.status === 'pending') {
      await this.reconcile(order);
      order = (await this.orders.findById(this.ds.manager, orderId)) ?? order;
    }
    return this.view(order);
  }

  /**
   * The payer gave up (or the countdown ran out): asks the channel first (a payment that
   * arrived meanwhile is settled, not closed), then closes the order at the channel and here.
   * A channel that cannot be reached is only logged: a notify that still comes settles the
   * closed order, because the money arrived.
   */
  async closeOrder(userId: string, orderId: string): Promise<OrderView> {
    const order = await this.orders.findForUser(this.ds.manager, userId, orderId);
    if (!order) throw new NotFoundError('Order not found');
    if (order.status === 'pending' && (await this.reconcile(order)) === 'pending') {
      try {
        await this.channels.get(order.channel)?.close(order.outTradeNo);
      } catch (err) {
        this.logger.warn({ err, orderId, channel: order.channel }, 'closing the order at the channel failed');
      }
      await this.orders.setStatus(this.ds.manager, order.id, 'pending', 'closed', this.clock());
    }
    return this.view((await this.orders.findById(this.ds.manager, orderId)) ?? order);
  }

  /**
   * The admin console's "query channel": any order is reconciled with its channel. A payment the
   * channel reports settles a pending, closed or failed order (once: `grant:<orderId>`); other
   * answers only move a pending order, so a paid order never goes back.
   */
  async refreshOrder(orderId: string): Promise<Order> {
    const order = await this.orders.findById(this.ds.manager, orderId);
    if (!order) throw new NotFoundError('Order not found');
    await this.reconcile(order);
    return (await this.orders.findById(this.ds.manager, orderId)) ?? order;
  }

  /** Verifies and applies one channel notify; the route turns the outcome into the channel's answer. */
  async handleNotify(channelName: string, req: NotifyRequest): Promise<NotifyOutcome> {
    const channel = this.channels.get(channelName as ChannelName);
    if (!channel) return { ok: false, status: 404, message: 'channel not enabled' };
    try {
      const payment = await channel.parseNotify(req);
      const order = await this.orders.findByOutTradeNo(this.ds.manager, payment.outTradeNo);
      if (!order) throw new NotifyRejectedError(`unknown order ${payment.outTradeNo}`, 404);
      if (order.channel !== channel.name)
        throw new NotifyRejectedError(`order ${order.id} belongs to channel ${order.channel}`);
      return { ok: true, outcome: await this.settle(order, payment) };
    } catch (err) {
      if (err instanceof NotifyRejectedError) {
        this.logger.warn({ channel: channelName, reason: err.message }, 'payment notify rejected');
        return { ok: false, status: err.status, message: err.message };
      }
      // Our fault (database down…): answer 5xx so the channel retries on its schedule.
      this.logger.error({ err, channel: channelName }, 'payment notify failed');
      return { ok: false, status: 500, message: 'temporary failure, retry later' };
    }
  }

  /**
   * Applies a verified payment. The amount must equal the order's; a replay finds the order
   * already paid and changes nothing. Order, ledger grant and expiry commit together.
   */
  async settle(order: Order, payment: ChannelPayment): Promise<SettleOutcome> {
    if (payment.amountFen !== order.amountFen) {
      throw new NotifyRejectedError(
        `amount ${payment.amountFen} does not match order ${order.id} (${order.amountFen})`,
      );
    }
    if (payment.state !== 'paid') return 'not_paid';
    const plan = order.packId ? null : await this.plans.find(order.planId);
    if (!order.packId && !plan) throw new NotifyRejectedError(`order ${order.id} has unknown plan ${order.planId}`);
    try {
      return await inTransaction(this.ds, async (tx) => {
        if (!(await this.orders.markPaid(tx, order.id, payment.transactionId, this.clock())))
          return 'already_paid' as const;
        if (plan)
          await this.ledger.grant(tx, {
            orderId: order.id,
            userId: order.userId,
            credits: plan.credits,
            days: plan.days,
          });
        for (const hook of this.paidHooks) await hook(tx, order);
        this.logger.info(
          { orderId: order.id, userId: order.userId, credits: plan?.credits ?? order.credits },
          'order paid, credits granted',
        );
        return 'settled' as const;
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new NotifyRejectedError(`transaction ${payment.transactionId} is already recorded on another order`, 409);
      throw err;
    }
  }

  /**
   * Asks the channel about an order and applies what it says (lost-notify recovery). A paid
   * answer settles any order not yet paid (`settle` is keyed); closed/failed answers only move
   * a pending order. Returns the order's status afterwards.
   */
  async reconcile(order: Order): Promise<Order['status']> {
    const channel = this.channels.get(order.channel);
    if (!channel) return order.status;
    try {
      const payment = await channel.query(order.outTradeNo);
      if (!payment) return order.status;
      if (payment.state === 'paid') return (await this.settle(order, payment)) === 'not_paid' ? order.status : 'paid';
      if ((payment.state === 'closed' || payment.state === 'failed') && order.status === 'pending') {
        const moved = await this.orders.setStatus(this.ds.manager, order.id, 'pending', payment.state, this.clock());
        return moved
          ? payment.state
          : ((await this.orders.findById(this.ds.manager, order.id))?.status ?? order.status);
      }
    } catch (err) {
      this.logger.warn({ err, orderId: order.id, channel: order.channel }, 'order query failed');
    }
    return order.status;
  }

  /** Periodic: query pending orders older than a few minutes; close the ones past their expiry. */
  async sweepPending(limit = 50): Promise<{ checked: number; closed: number }> {
    const now = this.clock();
    const { queryAfterSeconds, closeAfterSeconds } = this.config.payments;
    const due = await this.orders.pendingBefore(
      this.ds.manager,
      new Date(now.getTime() - queryAfterSeconds * 1000),
      limit,
    );
    let closed = 0;
    for (const order of due) {
      const status = await this.reconcile(order);
      const expired = now.getTime() - Date.parse(isoOrNull(order.createdAt)!) > closeAfterSeconds * 1000;
      if (
        status === 'pending' &&
        expired &&
        (await this.orders.setStatus(this.ds.manager, order.id, 'pending', 'closed', now))
      )
        closed++;
    }
    return { checked: due.length, closed };
  }
}
