import type { DataSource } from 'typeorm';
import type { z } from 'zod';
import { isoOrNull } from '../../db/time';
import { NotFoundError } from '../../errors/app-error';
import type { LedgerEntry } from '../ledger/ledger.repository';
import type { LedgerService } from '../ledger/ledger.service';
import type { OrdersRepository } from '../payments/orders.repository';
import type { OrderView, PaymentsService } from '../payments/payments.service';
import type { LedgerSource, MyLedgerEntry, Receipt } from './billing.schemas';

type Source = z.infer<typeof LedgerSource>;

/** The key prefix names where a row came from (keys are listed in membership/README.md). */
const SOURCES: Array<[prefix: string, source: Source]> = [
  ['reserve:', 'task'],
  ['refund:', 'refund'],
  ['expire:', 'expire'],
  ['adjust:', 'adjust'],
  ['checkin:', 'checkin'],
  ['invite:', 'invite'],
  ['pack:', 'pack'],
  ['grant:', 'membership'],
];

export function ledgerSource(key: string): Source {
  return SOURCES.find(([prefix]) => key.startsWith(prefix))?.[1] ?? 'adjust';
}

export function toMyLedgerEntry(r: LedgerEntry): z.infer<typeof MyLedgerEntry> {
  return {
    id: r.id,
    kind: r.kind,
    source: ledgerSource(r.idempotencyKey),
    delta: r.delta,
    balanceAfter: r.balanceAfter,
    taskId: r.taskId,
    orderId: r.orderId,
    reason: r.reason,
    createdAt: isoOrNull(r.createdAt)!,
  };
}

/** The merchant's own records: orders with receipts and the credit ledger, always scoped by user. */
export class BillingService {
  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrdersRepository,
    private readonly payments: PaymentsService,
    private readonly ledger: LedgerService,
  ) {}

  async orderPage(userId: string, page: number, pageSize: number): Promise<{ items: OrderView[]; total: number }> {
    const r = await this.orders.list(this.ds.manager, { userId }, pageSize, (page - 1) * pageSize);
    return { items: r.items.map((o) => this.payments.view(o)), total: r.total };
  }

  async receipt(userId: string, orderId: string): Promise<z.infer<typeof Receipt>> {
    const o = await this.orders.findForUser(this.ds.manager, userId, orderId);
    if (!o) throw new NotFoundError('Order not found', 'ORDER_NOT_FOUND');
    return {
      ...this.payments.view(o),
      outTradeNo: o.outTradeNo,
      transactionId: o.transactionId,
    };
  }

  async ledgerPage(userId: string, page: number, pageSize: number) {
    const r = await this.ledger.entries(userId, pageSize, (page - 1) * pageSize);
    return { items: r.items.map(toMyLedgerEntry), total: r.total };
  }
}
