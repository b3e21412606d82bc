import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { LedgerService } from '../ledger/ledger.service';
import type { OrdersRepository } from '../payments/orders.repository';
import type { PaymentsService } from '../payments/payments.service';
import { billingRoutes } from './billing.routes';
import { BillingService } from './billing.service';

export interface BillingApi {
  billing: BillingService;
}

/** The merchant's billing pages: own orders, receipts and ledger, read from payments' orders and the ledger. */
export function createBillingModule(
  ctx: AppContext,
  deps: {
    jwt: JwtService;
    apiKeys?: ApiKeyResolver;
    ledger: LedgerService;
    payments: PaymentsService;
    orders: OrdersRepository;
  },
): Module<BillingApi> {
  const billing = new BillingService(ctx.db, deps.orders, deps.payments, deps.ledger);
  return {
    name: 'billing',
    router: billingRoutes(ctx, { jwt: deps.jwt, apiKeys: deps.apiKeys, billing }),
    api: { billing },
  };
}
