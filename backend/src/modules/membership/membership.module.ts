import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import { PollingLoop } from '../../infra/polling-loop';
import type { ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import type { LedgerService } from '../ledger/ledger.service';
import type { SettingsService } from '../settings/settings.service';
import type { UsersRepository } from '../users/users.repository';
import { membershipRoutes, type MembershipPaymentsPort } from './membership.routes';
import { MembershipService } from './membership.service';
import { PlansService } from './plans.service';

/** What the others call: tasks `membership.ensureCurrent`, payments the plans it prices orders with. */
export interface MembershipApi {
  membership: MembershipService;
  plans: PlansService;
}

export interface MembershipModuleDeps {
  jwt: JwtService;
  users: UsersRepository;
  apiKeys?: ApiKeyResolver;
  /** The settings module owns the tunable plan values (env defaults, overridden by the console). */
  settings: SettingsService;
  ledger: LedgerService;
  /** Buying a plan opens a payments order; late-bound, since payments is built from these plans. */
  payments: MembershipPaymentsPort;
}

/**
 * Membership: the merchant's state, plans and plan orders, and the sweep that downgrades lapsed
 * memberships and writes off credit lots past their own end (started after the server listens).
 */
export function createMembershipModule(ctx: AppContext, deps: MembershipModuleDeps): Module<MembershipApi> {
  const plans = new PlansService(deps.settings);
  const membership = new MembershipService(ctx.db, deps.users, deps.ledger, ctx.logger);
  const ledger = deps.ledger;
  return {
    name: 'membership',
    router: membershipRoutes(ctx, { jwt: deps.jwt, apiKeys: deps.apiKeys, membership, plans, payments: deps.payments }),
    api: { membership, plans },
    start: () => {
      // Never two passes at once; shutdown waits for the pass in flight.
      const sweep = new PollingLoop(
        async () => ({ lapsed: await membership.sweepExpired(), lots: await ledger.expireDueLots() }),
        ctx.config.payments.membershipSweepIntervalSeconds * 1000,
        ctx.logger,
        'lapsed memberships sweep',
      );
      sweep.start();
      ctx.onClose(() => sweep.stop());
    },
  };
}
