import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../errors/app-error';
import { fromDbTime, toDbTime } from '../../db/time';
import { rows } from '../../db/transaction';
import type { Logger } from '../../infra/logger';
import type { Balance } from '../ledger/ledger.repository';
import type { Clock, LedgerService } from '../ledger/ledger.service';
import { meOf, type Me, type User, type UsersRepository } from '../users/users.repository';

/**
 * Membership state of a merchant. A lapsed membership is downgraded (one `expire` ledger entry
 * zeroes the balance) the first time anyone looks: the status call, task creation, or the sweep.
 */
export class MembershipService {
  constructor(
    private readonly ds: DataSource,
    private readonly users: UsersRepository,
    private readonly ledger: LedgerService,
    private readonly logger: Logger,
    private readonly clock: Clock = () => new Date(),
  ) {}

  /**
   * Downgrades the user if their membership has lapsed, then returns what credits are judged on now.
   * `read`: the account as the caller just read it (tasks/create-reads.repository.ts); answered as it is
   * unless the membership has lapsed, which takes the downgrade and a fresh read as always.
   */
  async ensureCurrent(userId: string, read?: Balance): Promise<Balance> {
    if (read && !this.hasLapsed(read)) return read;
    const { quotaRemaining, isMember, quotaExpireAt } = await this.current(userId);
    return { quotaRemaining, isMember, quotaExpireAt };
  }

  async status(userId: string): Promise<Me> {
    return meOf(await this.current(userId), this.clock());
  }

  /** Downgrades the user if their membership has lapsed, then returns the current account. */
  private async current(userId: string): Promise<User> {
    const user = await this.users.findUser(this.ds.manager, userId);
    if (!user) throw new NotFoundError('User not found');
    if (!this.hasLapsed(user)) return user;
    await this.ledger.expire(userId);
    return (await this.users.findUser(this.ds.manager, userId)) ?? user;
  }

  /** Downgrades every lapsed member (in pages, so a large backlog does not hold one big query). */
  async sweepExpired(batch = 200): Promise<number> {
    let downgraded = 0;
    for (;;) {
      const due = await rows<{ id: string }>(
        this.ds.manager,
        'SELECT id FROM users WHERE is_member = 1 AND quota_expire_at <= ? ORDER BY quota_expire_at LIMIT ?',
        [toDbTime(this.clock()), batch],
      );
      for (const { id } of due) if (await this.ledger.expire(id)) downgraded++;
      if (due.length < batch) break;
    }
    if (downgraded) this.logger.info({ downgraded }, 'lapsed memberships downgraded');
    return downgraded;
  }

  private hasLapsed(account: Balance): boolean {
    if (!account.isMember || !account.quotaExpireAt) return false;
    const expireAt = fromDbTime(account.quotaExpireAt);
    return expireAt === null || expireAt <= this.clock();
  }
}
