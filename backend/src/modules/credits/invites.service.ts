import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '../../errors/app-error';
import type { Db } from '../../db/transaction';
import type { Logger } from '../../infra/logger';
import type { Clock, LedgerService } from '../ledger/ledger.service';
import type { Order, OrdersRepository } from '../payments/orders.repository';
import type { PaymentsService } from '../payments/payments.service';
import type { SettingsService } from '../settings/settings.service';
import type { UsersRepository } from '../users/users.repository';
import { WechatIdentitiesRepository, wechatRewardKey } from '../wechat-login/wechat-identities.repository';
import { newInviteCode, type InvitesRepository } from './invites.repository';

const DAY_MS = 86_400_000;

export interface MyInvite {
  code: string;
  /** Whether this account entered someone's code. */
  invited: boolean;
  /** Whether a code can still be entered (none yet, and no paid order yet). */
  canRedeem: boolean;
  invitedCount: number;
  rewardedCount: number;
  inviterCredits: number;
  inviteeCredits: number;
}

export interface InvitesServiceDeps {
  ds: DataSource;
  repo: InvitesRepository;
  ledger: LedgerService;
  users: UsersRepository;
  orders: OrdersRepository;
  payments: PaymentsService;
  settings: SettingsService;
  logger: Logger;
  clock?: Clock;
}

/**
 * Invites: every merchant has a code; an invitee enters one before their first paid order. When
 * that first order is paid, the settling transaction rewards both (`invite:<inviteeId>:inviter`
 * and `…:invitee`), at most once per invitee, per phone number and per WeChat person ever (`invite_rewards`), never
 * for a self-invite or a circular one, and at most `invite.max_rewards` times per inviter.
 */
export class InvitesService {
  private readonly wechat = new WechatIdentitiesRepository();
  private readonly ds: DataSource;
  private readonly repo: InvitesRepository;
  private readonly ledger: LedgerService;
  private readonly users: UsersRepository;
  private readonly orders: OrdersRepository;
  private readonly settings: SettingsService;
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(deps: InvitesServiceDeps) {
    this.ds = deps.ds;
    this.repo = deps.repo;
    this.ledger = deps.ledger;
    this.users = deps.users;
    this.orders = deps.orders;
    this.settings = deps.settings;
    this.logger = deps.logger;
    this.clock = deps.clock ?? (() => new Date());
    deps.payments.onPaid((tx, order) => this.rewardFirstOrder(tx, order));
  }

  /** The user's code, made on first ask (a collision with another code just draws again). */
  async code(userId: string): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.repo.codeOf(this.ds.manager, userId);
      if (existing) return existing;
      await this.repo.setCode(this.ds.manager, userId, newInviteCode());
    }
    throw new Error('could not give the user an invite code');
  }

  async mine(userId: string): Promise<MyInvite> {
    const code = await this.code(userId);
    const invitedBy = await this.repo.invitedBy(this.ds.manager, userId);
    const { invited, rewarded } = await this.repo.counts(this.ds.manager, userId);
    const paid = await this.orders.paidCount(this.ds.manager, userId);
    return {
      code,
      invited: invitedBy !== null,
      canRedeem: invitedBy === null && paid === 0,
      invitedCount: invited,
      rewardedCount: rewarded,
      inviterCredits: await this.settings.get('invite.inviter_credits'),
      inviteeCredits: await this.settings.get('invite.invitee_credits'),
    };
  }

  async redeem(userId: string, code: string): Promise<MyInvite> {
    const owner = await this.repo.ownerOf(this.ds.manager, code.trim().toUpperCase());
    if (!owner) throw new NotFoundError('No merchant has this invite code', 'INVITE_CODE_UNKNOWN');
    if (owner.id === userId) throw new ConflictError('You cannot invite yourself', 'INVITE_SELF');
    if (owner.invitedBy === userId)
      throw new ConflictError('This merchant was invited by you; invites cannot go both ways', 'INVITE_CIRCULAR');
    if (!(await this.repo.setInviter(this.ds.manager, userId, owner.id))) {
      if (await this.repo.invitedBy(this.ds.manager, userId))
        throw new ConflictError('You have already entered an invite code', 'INVITE_ALREADY_REDEEMED');
      throw new ConflictError('Invite codes count only before your first paid order', 'INVITE_TOO_LATE');
    }
    return this.mine(userId);
  }

  /** In the transaction that marks `order` paid: the invitee's first paid order rewards both, once. */
  private async rewardFirstOrder(tx: Db, order: Order): Promise<void> {
    const inviterId = await this.repo.invitedBy(tx, order.userId);
    if (!inviterId || (await this.orders.paidCount(tx, order.userId)) !== 1) return;
    const now = this.clock();
    await this.repo.lockUser(tx, inviterId, now);
    const max = await this.settings.get('invite.max_rewards', tx);
    const inviterCredits = await this.settings.get('invite.inviter_credits', tx);
    const inviteeCredits = await this.settings.get('invite.invitee_credits', tx);
    const days = await this.settings.get('invite.valid_days', tx);
    if ((await this.repo.counts(tx, inviterId)).rewarded >= max) {
      this.logger.info({ inviterId, max }, 'invite reward limit reached; no reward');
      return;
    }
    const invitee = await this.users.findUser(tx, order.userId);
    if (!invitee) return;
    const wechat = await this.wechat.findByUser(tx, invitee.id);
    const recorded = await this.repo.recordReward(
      tx,
      {
        inviterId,
        inviteeId: invitee.id,
        phone: invitee.phone,
        wechat: wechat ? wechatRewardKey(wechat) : null,
        orderId: order.id,
      },
      now,
    );
    if (!recorded) return;
    const expiresAt = new Date(now.getTime() + days * DAY_MS);
    const grant = (userId: string, role: 'inviter' | 'invitee', credits: number) =>
      credits > 0
        ? this.ledger.grantCredits(tx, {
            userId,
            key: `invite:${invitee.id}:${role}`,
            credits,
            source: 'invite',
            expiresAt,
            reason: role === 'inviter' ? 'invite reward' : 'welcome reward',
          })
        : Promise.resolve(false);
    await grant(inviterId, 'inviter', inviterCredits);
    await grant(invitee.id, 'invitee', inviteeCredits);
    this.logger.info({ inviterId, inviteeId: invitee.id, orderId: order.id }, 'invite rewarded');
  }
}
