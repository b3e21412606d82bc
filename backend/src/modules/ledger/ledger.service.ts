import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, PaymentRequiredError, ValidationError } from '../../errors/app-error';
import { fromDbTime } from '../../db/time';
import { inTransaction, type Db } from '../../db/transaction';
import { LedgerRepository, type LedgerRow } from './ledger.repository';

export type Clock = () => Date;

export interface GrantInput {
  orderId: string;
  userId: string;
  credits: number;
  days: number;
}

export interface GrantResult {
  /** False when `grant:<orderId>` already existed: nothing changed. */
  granted: boolean;
  balanceAfter: number;
  quotaExpireAt: Date | null;
}

export interface InvariantReport {
  ok: boolean;
  balance: number;
  ledgerSum: number;
  problems: string[];
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The credit ledger: the only code that changes a user's balance or membership. Every change
 * writes its `quota_ledger` row in the same transaction, keyed so that a retried or duplicated
 * operation (`refund:<taskId>`, `grant:<orderId>`, …) happens at most once.
 */
export class LedgerService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo = new LedgerRepository(),
    private readonly clock: Clock = () => new Date(),
  ) {}

  /**
   * Takes `n` credits for `taskIds` inside the caller's transaction (the tasks module commits
   * "reserve + insert tasks + outbox row" together). `n` is split evenly over the tasks, one
   * `reserve:<taskId>` row each, so a refund later returns exactly that task's share.
   * @throws PaymentRequiredError 402 MEMBERSHIP_REQUIRED / QUOTA_EXHAUSTED, nothing taken.
   */
  async reserve(tx: Db, userId: string, n: number, taskIds: string[]): Promise<{ balanceAfter: number }> {
    if (!taskIds.length || !Number.isInteger(n) || n <= 0 || n % taskIds.length !== 0) {
      throw new Error(`reserve needs a positive credit count divisible by the ${taskIds.length} task(s), got ${n}`);
    }
    const now = this.clock();
    if (!(await this.repo.takeCredits(tx, userId, n, now))) throw await this.whyNotReserved(tx, userId, now);
    const balance = (await this.repo.balance(tx, userId))?.quota_remaining ?? 0;
    const share = n / taskIds.length;
    await this.repo.insert(
      tx,
      taskIds.map((taskId, i) => ({
        userId,
        taskId,
        kind: 'reserve' as const,
        delta: -share,
        key: `reserve:${taskId}`,
        balanceAfter: balance + n - share * (i + 1),
      })),
      now,
    );
    return { balanceAfter: balance };
  }

  private async whyNotReserved(tx: Db, userId: string, now: Date): Promise<Error> {
    const user = await this.repo.balance(tx, userId);
    if (!user) return new NotFoundError('User not found');
    const expireAt = fromDbTime(user.quota_expire_at);
    if (!user.is_member || !expireAt || expireAt <= now) {
      return new PaymentRequiredError('MEMBERSHIP_REQUIRED', 'An active membership is required to create tasks');
    }
    return new PaymentRequiredError('QUOTA_EXHAUSTED', 'Not enough credits left for this request');
  }

  /**
   * Returns the credits reserved for `taskId`, at most once however often it is called
   * (the keyed ledger row is inserted before the balance moves; a duplicate key is a no-op).
   * Runs in `tx` when given, else in its own transaction. False when nothing was refunded.
   */
  async refund(tx: Db | null | undefined, taskId: string): Promise<boolean> {
    if (!tx) return inTransaction(this.ds, (own) => this.refund(own, taskId));
    const reserved = await this.repo.findByKey(tx, `reserve:${taskId}`);
    if (!reserved) return false;
    const now = this.clock();
    const userId = reserved.user_id;
    const amount = -Number(reserved.delta);
    if (!(await this.repo.lockUser(tx, userId, now))) return false;
    const balance = (await this.repo.balance(tx, userId))?.quota_remaining ?? 0;
    const inserted = await this.repo.insertOnce(
      tx,
      { userId, taskId, kind: 'refund', delta: amount, balanceAfter: balance + amount, key: `refund:${taskId}` },
      now,
    );
    if (inserted) await this.repo.addCredits(tx, userId, amount);
    return inserted;
  }

  /**
   * Credits a paid order and sets the membership expiry (rule in membership/README.md):
   * while active, expiry + `days` from the current expiry and credits added to what is left;
   * otherwise a lapsed membership is downgraded first and the new period starts now.
   */
  async grant(tx: Db, input: GrantInput): Promise<GrantResult> {
    const now = this.clock();
    const { userId, orderId, credits, days } = input;
    if (!(await this.repo.lockUser(tx, userId, now))) throw new NotFoundError('User not found');
    await this.expireLocked(tx, userId, now);
    const user = await this.repo.balance(tx, userId);
    if (!user) throw new NotFoundError('User not found');
    const current = fromDbTime(user.quota_expire_at);
    const active = Boolean(user.is_member) && current !== null && current > now;
    const expireAt = new Date((active && current ? current.getTime() : now.getTime()) + days * DAY_MS);
    const balanceAfter = user.quota_remaining + credits;
    const inserted = await this.repo.insertOnce(
      tx,
      { userId, orderId, kind: 'grant', delta: credits, balanceAfter, key: `grant:${orderId}` },
      now,
    );
    if (!inserted) return { granted: false, balanceAfter: user.quota_remaining, quotaExpireAt: current };
    await this.repo.setMembership(tx, userId, credits, true, expireAt);
    return { granted: true, balanceAfter, quotaExpireAt: expireAt };
  }

  /**
   * Downgrades a membership whose expiry has passed: one `expire:<userId>:<expireAt>` row
   * zeroes the balance and clears the member flag. False when there was nothing to do.
   */
  async expire(userId: string, tx?: Db): Promise<boolean> {
    if (!tx) return inTransaction(this.ds, (own) => this.expire(userId, own));
    return this.expireLocked(tx, userId, this.clock());
  }

  private async expireLocked(tx: Db, userId: string, now: Date): Promise<boolean> {
    if (!(await this.repo.lockExpiredMember(tx, userId, now))) return false;
    const user = await this.repo.balance(tx, userId);
    if (!user) return false;
    const expireAt = fromDbTime(user.quota_expire_at)?.toISOString() ?? 'none';
    const inserted = await this.repo.insertOnce(
      tx,
      {
        userId,
        kind: 'expire',
        delta: -user.quota_remaining,
        balanceAfter: 0,
        key: `expire:${userId}:${expireAt}`,
        reason: 'membership expired',
      },
      now,
    );
    // A key that exists means this period was already closed; still clear the flag it left.
    await this.repo.setMembership(
      tx,
      userId,
      inserted ? -user.quota_remaining : 0,
      false,
      fromDbTime(user.quota_expire_at),
    );
    return inserted;
  }

  /** An admin's manual correction, recorded with who and why. The balance never goes below zero. */
  async adjust(adminId: string, userId: string, delta: number, reason: string): Promise<LedgerRow> {
    if (!Number.isInteger(delta) || delta === 0) throw new ValidationError('delta must be a non-zero integer');
    const key = `adjust:${randomUUID()}`;
    return inTransaction(this.ds, async (tx) => {
      const now = this.clock();
      if (!(await this.repo.lockUser(tx, userId, now))) throw new NotFoundError('User not found');
      const balance = (await this.repo.balance(tx, userId))?.quota_remaining ?? 0;
      if (balance + delta < 0)
        throw new ConflictError(`The balance is ${balance}; it cannot go below zero`, 'BALANCE_TOO_LOW');
      await this.repo.insert(
        tx,
        [{ userId, adminId, reason, kind: 'adjust', delta, balanceAfter: balance + delta, key }],
        now,
      );
      await this.repo.addCredits(tx, userId, delta);
      const row = await this.repo.findByKey(tx, key);
      if (!row) throw new Error('ledger row vanished inside its own transaction');
      return row;
    });
  }

  async entries(userId: string, limit: number, offset: number): Promise<{ items: LedgerRow[]; total: number }> {
    return this.repo.listForUser(this.ds.manager, userId, limit, offset);
  }

  /** Test and ops helper: balance equals the sum of the ledger and nothing is negative. */
  async checkInvariant(userId: string, db: Db = this.ds.manager): Promise<InvariantReport> {
    const user = await this.repo.balance(db, userId);
    const { sum, negativeBalances } = await this.repo.sumForUser(db, userId);
    const balance = user?.quota_remaining ?? 0;
    const problems: string[] = [];
    if (!user) problems.push('user not found');
    if (balance !== sum) problems.push(`balance ${balance} != ledger sum ${sum}`);
    if (balance < 0) problems.push(`negative balance ${balance}`);
    if (negativeBalances) problems.push(`${negativeBalances} ledger rows with a negative balance_after`);
    return { ok: problems.length === 0, balance, ledgerSum: sum, problems };
  }
}
