import { Router } from 'express';
import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import { PollingLoop } from '../../infra/polling-loop';
import { AdminMerchantsRepository } from '../admin-users/admin-users.repository';
import { adminUsersRoutes } from '../admin-users/admin-users.routes';
import { AdminUsersService } from '../admin-users/admin-users.service';
import { billingRoutes } from '../billing/billing.routes';
import { CheckinService } from '../credits/checkin.service';
import { CreditPacksRepository } from '../credits/credit-packs.repository';
import { CreditPacksService } from '../credits/credit-packs.service';
import { creditsRoutes } from '../credits/credits.routes';
import { InvitesRepository } from '../credits/invites.repository';
import { InvitesService } from '../credits/invites.service';
import { BillingService } from '../billing/billing.service';
import type { ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import { membershipRoutes } from '../membership/membership.routes';
import { MembershipService } from '../membership/membership.service';
import { SettingsService } from '../settings/settings.service';
import { PlansService } from '../membership/plans.service';
import type { UsersRepository } from '../users/users.repository';
import { createChannels } from './channels';
import { OrdersRepository } from './orders.repository';
import { ordersAdminRoutes } from './orders-admin.routes';
import { OrdersAdminService } from './orders-admin.service';
import { paymentsRoutes } from './payments.routes';
import { PaymentsService } from './payments.service';

/** The money services other modules call (tasks: `ledger.reserve/refund`, `membership.ensureCurrent`). */
export interface MoneyApi {
  ledger: LedgerService;
  membership: MembershipService;
  plans: PlansService;
  payments: PaymentsService;
}

/**
 * Money, one module over the ledger, membership, payments, credits, billing and admin-users
 * folders (they share one ledger and settle each other's orders): their routes, and the
 * background sweeps (lapsed memberships, pending orders) that run after the server listens.
 */
export function createMoneyModule(
  ctx: AppContext,
  deps: { jwt: JwtService; users: UsersRepository; apiKeys?: ApiKeyResolver; settings?: SettingsService },
): Module<MoneyApi> {
  const ledger = new LedgerService(ctx.db, new LedgerRepository());
  // The settings module owns the tunable plan values (env defaults, overridden by the console).
  const settings = deps.settings ?? new SettingsService(ctx.db, ctx.config);
  const plans = new PlansService(settings);
  const membership = new MembershipService(ctx.db, deps.users, ledger, ctx.logger);
  const orders = new OrdersRepository();
  const channels = createChannels(ctx.config);
  const payments = new PaymentsService({
    ds: ctx.db,
    config: ctx.config,
    orders,
    plans,
    ledger,
    channels,
    logger: ctx.logger,
  });
  // Credits beside the membership: packs and invite rewards are granted when an order settles.
  const packs = new CreditPacksService({
    ds: ctx.db,
    packs: new CreditPacksRepository(),
    payments,
    ledger,
    users: deps.users,
    settings,
    logger: ctx.logger,
  });
  const invites = new InvitesService({
    ds: ctx.db,
    repo: new InvitesRepository(),
    ledger,
    users: deps.users,
    orders,
    payments,
    settings,
    logger: ctx.logger,
  });
  const checkin = new CheckinService(ctx.db, ledger, deps.users, settings);

  const router = Router();
  router.use(
    membershipRoutes(ctx, { jwt: deps.jwt, apiKeys: deps.apiKeys, membership, plans, payments }),
    paymentsRoutes(ctx, payments, new Map([...channels])),
    creditsRoutes(ctx, { jwt: deps.jwt, apiKeys: deps.apiKeys, packs, checkin, invites, ledger, membership }),
    billingRoutes(ctx, {
      jwt: deps.jwt,
      apiKeys: deps.apiKeys,
      billing: new BillingService(ctx.db, orders, payments, ledger),
    }),
    adminUsersRoutes(ctx, {
      jwt: deps.jwt,
      service: new AdminUsersService({
        db: ctx.db,
        users: deps.users,
        merchants: new AdminMerchantsRepository(),
        ledger,
        logger: ctx.logger,
      }),
    }),
    ordersAdminRoutes(ctx, { jwt: deps.jwt, service: new OrdersAdminService({ db: ctx.db, orders, payments }) }),
  );
  return {
    name: 'money',
    router,
    api: { ledger, membership, plans, payments },
    start: async () => {
      await packs.seed(ctx.config.credits.packs);
      const { sweepIntervalSeconds, membershipSweepIntervalSeconds } = ctx.config.payments;
      // Never two passes at once; shutdown waits for the pass in flight.
      const sweeps = [
        new PollingLoop(() => payments.sweepPending(), sweepIntervalSeconds * 1000, ctx.logger, 'pending orders sweep'),
        new PollingLoop(
          async () => ({ lapsed: await membership.sweepExpired(), lots: await ledger.expireDueLots() }),
          membershipSweepIntervalSeconds * 1000,
          ctx.logger,
          'lapsed memberships sweep',
        ),
      ];
      for (const sweep of sweeps) sweep.start();
      ctx.onClose(async () => {
        await Promise.all(sweeps.map((sweep) => sweep.stop()));
      });
    },
  };
}
