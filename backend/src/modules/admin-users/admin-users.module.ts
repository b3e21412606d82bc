import { Router } from 'express';
import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import type { LedgerService } from '../ledger/ledger.service';
import { ordersAdminRoutes } from '../payments/orders-admin.routes';
import { OrdersAdminService } from '../payments/orders-admin.service';
import type { OrdersRepository } from '../payments/orders.repository';
import type { PaymentsService } from '../payments/payments.service';
import type { UsersRepository } from '../users/users.repository';
import { AdminMerchantsRepository } from './admin-users.repository';
import { adminUsersRoutes } from './admin-users.routes';
import { AdminUsersService } from './admin-users.service';

export interface AdminUsersApi {
  adminUsers: AdminUsersService;
  ordersAdmin: OrdersAdminService;
}

/**
 * The console's money pages: merchant search, a merchant's ledger and manual adjustments (through
 * the shared ledger), and the orders list with "query channel" (over payments' orders).
 */
export function createAdminUsersModule(
  ctx: AppContext,
  deps: {
    jwt: JwtService;
    users: UsersRepository;
    ledger: LedgerService;
    payments: PaymentsService;
    orders: OrdersRepository;
  },
): Module<AdminUsersApi> {
  const adminUsers = new AdminUsersService({
    db: ctx.db,
    users: deps.users,
    merchants: new AdminMerchantsRepository(),
    ledger: deps.ledger,
    logger: ctx.logger,
  });
  const ordersAdmin = new OrdersAdminService({ db: ctx.db, orders: deps.orders, payments: deps.payments });
  const router = Router();
  router.use(
    adminUsersRoutes(ctx, { jwt: deps.jwt, service: adminUsers }),
    ordersAdminRoutes(ctx, { jwt: deps.jwt, service: ordersAdmin }),
  );
  return { name: 'admin-users', router, api: { adminUsers, ordersAdmin } };
}
