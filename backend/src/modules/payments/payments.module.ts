import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import { PollingLoop } from '../../infra/polling-loop';
import type { LedgerService } from '../ledger/ledger.service';
import type { PlansService } from '../membership/plans.service';
import { createChannels } from './channels';
import { OrdersRepository } from './orders.repository';
import { paymentsRoutes } from './payments.routes';
import { PaymentsService } from './payments.service';

/**
 * What the others call: `payments` (membership and credit pack purchases, order views, settling),
 * and the one `orders` repository that credits, billing and the console's order pages read through.
 */
export interface PaymentsApi {
  payments: PaymentsService;
  orders: OrdersRepository;
}

/**
 * Payments: orders over the enabled channels, the channels' notify routes, and the sweep that
 * queries and closes pending orders (started after the server listens). Settling grants through
 * the shared ledger.
 */
export function createPaymentsModule(
  ctx: AppContext,
  deps: { ledger: LedgerService; plans: PlansService },
): Module<PaymentsApi> {
  const orders = new OrdersRepository();
  const channels = createChannels(ctx.config);
  const payments = new PaymentsService({
    ds: ctx.db,
    config: ctx.config,
    orders,
    plans: deps.plans,
    ledger: deps.ledger,
    channels,
    logger: ctx.logger,
  });
  return {
    name: 'payments',
    router: paymentsRoutes(ctx, payments, new Map([...channels])),
    api: { payments, orders },
    start: () => {
      // Never two passes at once; shutdown waits for the pass in flight.
      const sweep = new PollingLoop(
        () => payments.sweepPending(),
        ctx.config.payments.sweepIntervalSeconds * 1000,
        ctx.logger,
        'pending orders sweep',
      );
      sweep.start();
      ctx.onClose(() => sweep.stop());
    },
  };
}
