import type { DataSource } from 'typeorm';
import type { OrderFilter, OrdersRepository } from './orders.repository';
import type { PaymentsService } from './payments.service';

export interface OrdersAdminServiceDeps {
  db: DataSource;
  orders: OrdersRepository;
  /** How an order is shown (the same view merchants get), plus the admin-only fields added here. */
  payments: Pick<PaymentsService, 'view' | 'refreshOrder'>;
}

/**
 * The console's orders: every merchant's, filtered and paged with the totals of the filtered set,
 * and the "query channel" action that settles a lost notify.
 */
export class OrdersAdminService {
  constructor(private readonly deps: OrdersAdminServiceDeps) {}

  async list(filter: OrderFilter, paging: { page: number; pageSize: number }) {
    const { page, pageSize } = paging;
    const r = await this.deps.orders.list(this.deps.db.manager, filter, pageSize, (page - 1) * pageSize);
    return {
      items: r.items.map((o) => ({
        ...this.deps.payments.view(o),
        userId: o.userId,
        phone: o.phone,
        outTradeNo: o.outTradeNo,
        transactionId: o.transactionId,
      })),
      total: r.total,
      page,
      pageSize,
      totals: { count: r.total, paidCount: r.paidCount, paidAmountFen: r.paidAmountFen },
    };
  }

  /** Asks the channel about any order and applies the answer (a payment settles it once). */
  async refresh(orderId: string) {
    const o = await this.deps.payments.refreshOrder(orderId);
    return {
      ...this.deps.payments.view(o),
      userId: o.userId,
      outTradeNo: o.outTradeNo,
      transactionId: o.transactionId,
    };
  }
}
