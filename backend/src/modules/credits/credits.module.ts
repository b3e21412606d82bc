import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { LedgerService } from '../ledger/ledger.service';
import type { MembershipService } from '../membership/membership.service';
import type { OrdersRepository } from '../payments/orders.repository';
import type { PaymentsService } from '../payments/payments.service';
import type { SettingsService } from '../settings/settings.service';
import type { UsersRepository } from '../users/users.repository';
import { CheckinService } from './checkin.service';
import { CreditPacksRepository } from './credit-packs.repository';
import { CreditPacksService } from './credit-packs.service';
import { creditsRoutes } from './credits.routes';
import { InvitesRepository } from './invites.repository';
import { InvitesService } from './invites.service';

export interface CreditsApi {
  packs: CreditPacksService;
  invites: InvitesService;
  checkin: CheckinService;
}

export interface CreditsModuleDeps {
  jwt: JwtService;
  users: UsersRepository;
  apiKeys?: ApiKeyResolver;
  settings: SettingsService;
  ledger: LedgerService;
  membership: MembershipService;
  payments: PaymentsService;
  orders: OrdersRepository;
}

/**
 * Credits beside the membership: credit packs, the daily check-in and invites. Packs and invite
 * rewards are granted when an order settles; the packs from CREDIT_PACKS are seeded at start.
 */
export function createCreditsModule(ctx: AppContext, deps: CreditsModuleDeps): Module<CreditsApi> {
  const { ledger, payments, settings, users } = deps;
  const packs = new CreditPacksService({
    ds: ctx.db,
    packs: new CreditPacksRepository(),
    payments,
    ledger,
    users,
    settings,
    logger: ctx.logger,
  });
  const invites = new InvitesService({
    ds: ctx.db,
    repo: new InvitesRepository(),
    ledger,
    users,
    orders: deps.orders,
    payments,
    settings,
    logger: ctx.logger,
  });
  const checkin = new CheckinService(ctx.db, ledger, users, settings);
  return {
    name: 'credits',
    router: creditsRoutes(ctx, {
      jwt: deps.jwt,
      apiKeys: deps.apiKeys,
      packs,
      checkin,
      invites,
      ledger,
      membership: deps.membership,
    }),
    api: { packs, invites, checkin },
    start: async () => {
      await packs.seed(ctx.config.credits.packs);
    },
  };
}
