import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, PaymentRequiredError } from '../../errors/app-error';
import { rows } from '../../db/transaction';
import { inTransaction } from '../../db/transaction';
import type { Clock, LedgerService } from '../ledger/ledger.service';
import type { SettingsService } from '../settings/settings.service';
import { meOf, type UsersRepository } from '../users/users.repository';

/** The calendar day in Asia/Shanghai (UTC+8, no daylight saving): `YYYY-MM-DD`. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export interface CheckinStatus {
  date: string;
  checkedIn: boolean;
  credits: number;
}

/**
 * Daily check-in: members get `checkin.credits` once per calendar day in Asia/Shanghai. The
 * ledger key `checkin:<userId>:<date>` is what makes it once: however many requests race, one
 * inserts the row. The credits belong to the membership (they end with it).
 */
export class CheckinService {
  constructor(
    private readonly ds: DataSource,
    private readonly ledger: LedgerService,
    private readonly users: UsersRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock = () => new Date(),
  ) {}

  private key(userId: string, date: string): string {
    return `checkin:${userId}:${date}`;
  }

  async status(userId: string): Promise<CheckinStatus> {
    const date = shanghaiDate(this.clock());
    const found = await rows(this.ds.manager, 'SELECT 1 AS one FROM quota_ledger WHERE idempotency_key = ?', [
      this.key(userId, date),
    ]);
    return { date, checkedIn: found.length > 0, credits: await this.settings.get('checkin.credits') };
  }

  /** Checks in for today; `granted` is false when today's check-in had already happened. */
  async checkIn(userId: string): Promise<CheckinStatus & { granted: boolean }> {
    const now = this.clock();
    const date = shanghaiDate(now);
    const credits = await this.settings.get('checkin.credits');
    if (credits <= 0) throw new ConflictError('Daily check-in is turned off', 'CHECKIN_DISABLED');
    const user = await this.users.findUser(this.ds.manager, userId);
    if (!user) throw new NotFoundError('User not found');
    if (!meOf(user, now).isMember)
      throw new PaymentRequiredError('MEMBERSHIP_REQUIRED', 'Daily check-in is for members');
    const granted = await inTransaction(this.ds, (tx) =>
      this.ledger.grantCredits(tx, {
        userId,
        key: this.key(userId, date),
        credits,
        source: 'checkin',
        expiresAt: null,
        reason: `daily check-in ${date}`,
      }),
    );
    return { date, checkedIn: true, credits, granted };
  }
}
