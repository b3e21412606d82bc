import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, PaymentRequiredError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import type { Clock, LedgerService } from '../ledger/ledger.service';
import type { Order } from '../payments/orders.repository';
import type { PaymentsService, PurchaseInput } from '../payments/payments.service';
import type { SettingsService } from '../settings/settings.service';
import { meOf, type UsersRepository } from '../users/users.repository';
import type { PackSeed } from './credits.config';
import type { CreditPack, CreditPacksRepository, PackInput } from './credit-packs.repository';

const DAY_MS = 86_400_000;

export interface CreditPacksServiceDeps {
  ds: DataSource;
  packs: CreditPacksRepository;
  payments: PaymentsService;
  ledger: LedgerService;
  users: UsersRepository;
  settings: SettingsService;
  logger: Logger;
  clock?: Clock;
}

/**
 * Credit packs: one-time top-ups bought through the same channels as the membership. They top
 * up an active membership (members only), and their credits keep their own expiry —
 * `pack.valid_days` from payment — so a lapse of the membership does not take them.
 */
export class CreditPacksService {
  private readonly ds: DataSource;
  private readonly packs: CreditPacksRepository;
  private readonly payments: PaymentsService;
  private readonly ledger: LedgerService;
  private readonly users: UsersRepository;
  private readonly settings: SettingsService;
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(deps: CreditPacksServiceDeps) {
    this.ds = deps.ds;
    this.packs = deps.packs;
    this.payments = deps.payments;
    this.ledger = deps.ledger;
    this.users = deps.users;
    this.settings = deps.settings;
    this.logger = deps.logger;
    this.clock = deps.clock ?? (() => new Date());
    deps.payments.onPaid((tx, order) => this.grantPaidPack(tx, order));
  }

  async offer(): Promise<{ packs: CreditPack[]; validDays: number }> {
    return {
      packs: await this.packs.list(this.ds.manager, true),
      validDays: await this.settings.get('pack.valid_days'),
    };
  }

  async purchase(userId: string, packId: string, pay: Omit<PurchaseInput, 'pack' | 'planId'>) {
    const pack = await this.packs.find(this.ds.manager, packId);
    if (!pack?.active) throw new NotFoundError('This credit pack is not on sale', 'PACK_NOT_FOUND');
    const user = await this.users.findUser(this.ds.manager, userId);
    if (!user || !meOf(user, this.clock()).isMember)
      throw new PaymentRequiredError(
        'MEMBERSHIP_REQUIRED',
        'Credit packs top up an active membership; become a member first',
      );
    return this.payments.purchase(userId, { ...pay, pack });
  }

  /** The settling transaction of a pack order grants its credits once (`pack:<orderId>`). */
  private async grantPaidPack(tx: Parameters<LedgerService['grantCredits']>[0], order: Order): Promise<void> {
    if (!order.packId || !order.credits) return;
    const days = await this.settings.get('pack.valid_days', tx);
    const granted = await this.ledger.grantCredits(tx, {
      userId: order.userId,
      key: `pack:${order.id}`,
      credits: order.credits,
      source: 'pack',
      expiresAt: new Date(this.clock().getTime() + days * DAY_MS),
      orderId: order.id,
      reason: order.itemName,
    });
    if (granted) this.logger.info({ orderId: order.id, credits: order.credits, days }, 'credit pack granted');
  }

  list(all: boolean): Promise<CreditPack[]> {
    return this.packs.list(this.ds.manager, !all);
  }

  async create(input: PackInput): Promise<CreditPack> {
    const pack = await this.packs.insert(this.ds.manager, input, this.clock());
    if (!pack) throw new ConflictError(`A pack named "${input.name}" exists`, 'PACK_NAME_TAKEN');
    return pack;
  }

  async update(id: string, input: PackInput): Promise<CreditPack> {
    const pack = await this.packs.update(this.ds.manager, id, input, this.clock());
    if (pack === 'missing') throw new NotFoundError('No such credit pack', 'PACK_NOT_FOUND');
    if (pack === 'taken') throw new ConflictError(`A pack named "${input.name}" exists`, 'PACK_NAME_TAKEN');
    return pack;
  }

  /** First start: the packs of CREDIT_PACKS when the table is empty (a concurrent start adds them once: names are unique). */
  async seed(seeds: PackSeed[]): Promise<void> {
    if ((await this.packs.count(this.ds.manager)) > 0) return;
    for (const [sort, p] of seeds.entries())
      await this.packs.insert(this.ds.manager, { ...p, active: true, sort }, this.clock());
  }
}
