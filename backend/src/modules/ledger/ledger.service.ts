import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, PaymentRequiredError, ValidationError } from '../../errors/app-error';
import { fromDbTime, isoOrNull } from '../../db/time';
import { inTransaction, type Db } from '../../db/transaction';
import { CreditLotsRepository, isDue, lotExpiry, type LotSource } from './credit-lots.repository';
import { LedgerRepository, type Balance, type LedgerEntry } from './ledger.repository';
import { LotBook } from './lot-book';

export type Clock = () => Date;

/** Why an account cannot pay `n` credits now: no active membership, or too few credits; null when it can. */
function refusalOf(account: Balance, n: number, now: Date): PaymentRequiredError | null {
  const expireAt = fromDbTime(account.quotaExpireAt);
  if (!Number(account.isMember) || !expireAt || expireAt <= now) {
    return new PaymentRequiredError('MEMBERSHIP_REQUIRED', 'An active membership is required to create tasks');
  }
  if (Number(account.quotaRemaining) < n)
    return new PaymentRequiredError('QUOTA_EXHAUSTED', 'Not enough credits left for this request');
  return null;
}

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
  lotsSum: number;
  problems: string[];
}

/** A keyed grant of credits outside the membership purchase: packs, check-ins, invite rewards. */
export interface CreditGrant {
  userId: string;
  /** The ledger key; a second grant with it changes nothing. */
  key: string;
  credits: number;
  source: Exclude<LotSource, 'membership' | 'refund' | 'opening'>;
  /** When these credits expire; null: with the membership. */
  expiresAt: Date | null;
  orderId?: string | null;
  reason?: string | null;
}

/** A lot as the merchant sees it: what is left and when it ends. */
export interface CreditLotView {
  id: string;
  source: LotSource;
  amount: number;
  remaining: number;
  /** The lot's own end; null for membership credits, which end with the membership. */
  expiresAt: string | null;
  withMembership: boolean;
  createdAt: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The credit ledger: the only code that changes a user's balance or membership. Every change
 * writes its `quota_ledger` row in the same transaction, keyed so that a retried or duplicated
 * operation (`refund:<taskId>`, `grant:<orderId>`, …) happens at most once.
 */
export class LedgerService {
  private readonly book: LotBook;

  constructor(
    private readonly ds: DataSource,
    private readonly repo = new LedgerRepository(),
    private readonly clock: Clock = () => new Date(),
    lots = new CreditLotsRepository(),
  ) {
    this.book = new LotBook(repo, lots);
  }

  /**
   * Takes `n` credits for `taskIds` inside the caller's transaction (the tasks module commits
   * "reserve + insert tasks + outbox row" together). `n` is split evenly over the tasks, one
   * `reserve:<taskId>` row each, so a refund later returns exactly that task's share.
   * Answers the balance left and the account as the caller's commit will leave it (the row lock
   * is held from the decrement on), which the tasks module uses to refuse creates queued behind it.
   * @throws PaymentRequiredError 402 MEMBERSHIP_REQUIRED / QUOTA_EXHAUSTED, nothing taken.
   */
  async reserve(
    tx: Db,
    userId: string,
    n: number,
    taskIds: string[],
  ): Promise<{ balanceAfter: number; account: Balance }> {
    if (!taskIds.length || !Number.isInteger(n) || n <= 0 || n % taskIds.length !== 0) {
      throw new Error(`reserve needs a positive credit count divisible by the ${taskIds.length} task(s), got ${n}`);
    }
    const now = this.clock();
    if (!(await this.repo.takeCredits(tx, userId, n, now))) throw await this.whyNotReserved(tx, userId, now);
    // The conditional decrement holds the user's row lock from here on: the lots are stable.
    const user = await this.repo.balance(tx, userId);
    const share = n / taskIds.length;
    const writtenOff = await this.book.spend(
      tx,
      {
        userId,
        taskIds,
        share,
        membershipEnd: fromDbTime(user?.quotaExpireAt),
        balanceBefore: (user?.quotaRemaining ?? 0) + n,
      },
      now,
    );
    const balance = (user?.quotaRemaining ?? 0) - writtenOff;
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
    // The row lock is held until the caller's commit: this is the account as that commit leaves it.
    return {
      balanceAfter: balance,
      account: { quotaRemaining: balance, isMember: user?.isMember ?? 0, quotaExpireAt: user?.quotaExpireAt ?? null },
    };
  }

  private async whyNotReserved(tx: Db, userId: string, now: Date): Promise<Error> {
    const user = await this.repo.balance(tx, userId);
    if (!user) return new NotFoundError('User not found');
    return (
      refusalOf(user, Number.POSITIVE_INFINITY, now) ??
      new PaymentRequiredError('QUOTA_EXHAUSTED', 'Not enough credits left for this request')
    );
  }

  /**
   * The 402 that reserve would answer for `n` credits, judged from an account row read WITHOUT
   * the lock (e.g. the one membership.ensureCurrent just read), or null when it may pay.
   * Advisory only: it lets a create refuse before opening a transaction when the balance is
   * plainly short (a storm on an empty account queues nothing behind the row lock); null never
   * takes anything — reserve's locked conditional decrement still decides.
   */
  refusalFor(account: Balance, n: number): Error | null {
    return refusalOf(account, n, this.clock());
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
    const userId = reserved.userId;
    const amount = -Number(reserved.delta);
    if (!(await this.repo.lockUser(tx, userId, now))) return false;
    const balance = (await this.repo.balance(tx, userId))?.quotaRemaining ?? 0;
    const inserted = await this.repo.insertOnce(
      tx,
      { userId, taskId, kind: 'refund', delta: amount, balanceAfter: balance + amount, key: `refund:${taskId}` },
      now,
    );
    if (inserted) {
      await this.repo.addCredits(tx, userId, amount);
      await this.book.giveBack(tx, userId, taskId, amount, now);
    }
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
    const current = fromDbTime(user.quotaExpireAt);
    const active = Boolean(user.isMember) && current !== null && current > now;
    const expireAt = new Date((active && current ? current.getTime() : now.getTime()) + days * DAY_MS);
    const balanceAfter = user.quotaRemaining + credits;
    const inserted = await this.repo.insertOnce(
      tx,
      { userId, orderId, kind: 'grant', delta: credits, balanceAfter, key: `grant:${orderId}` },
      now,
    );
    if (!inserted) return { granted: false, balanceAfter: user.quotaRemaining, quotaExpireAt: current };
    await this.repo.setMembership(tx, userId, credits, true, expireAt);
    // Membership credits last as long as the membership: renewals carry them along.
    await this.book.open(
      tx,
      { userId, source: 'membership', key: `grant:${orderId}`, amount: credits, expiresAt: null },
      now,
    );
    return { granted: true, balanceAfter, quotaExpireAt: expireAt };
  }

  /**
   * A keyed grant beside the membership (a credit pack, a check-in, an invite reward): one
   * ledger row and one lot with its expiry, at most once per key. False when the key existed.
   */
  async grantCredits(tx: Db, g: CreditGrant): Promise<boolean> {
    const now = this.clock();
    if (!(await this.repo.lockUser(tx, g.userId, now))) throw new NotFoundError('User not found');
    const balance = (await this.repo.balance(tx, g.userId))?.quotaRemaining ?? 0;
    const inserted = await this.repo.insertOnce(
      tx,
      {
        userId: g.userId,
        kind: 'grant',
        delta: g.credits,
        balanceAfter: balance + g.credits,
        key: g.key,
        orderId: g.orderId ?? null,
        reason: g.reason ?? null,
      },
      now,
    );
    if (!inserted) return false;
    await this.repo.addCredits(tx, g.userId, g.credits);
    await this.book.open(
      tx,
      { userId: g.userId, source: g.source, key: g.key, amount: g.credits, expiresAt: g.expiresAt },
      now,
    );
    return true;
  }

  /** Writes off every lot past its own expiry (periodic; reserve also does it for its user). */
  async expireDueLots(batch = 200): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock();
      const users = await this.book.lots.usersWithDueLots(this.ds.manager, now, batch);
      for (const userId of users) {
        total += await inTransaction(this.ds, async (tx) => {
          if (!(await this.repo.lockUser(tx, userId, now))) return 0;
          const due = (await this.book.lots.open(tx, userId)).filter((l) => isDue(l, now));
          const balance = (await this.repo.balance(tx, userId))?.quotaRemaining ?? 0;
          return (await this.book.writeOff(tx, userId, due, balance, now)) > 0 ? due.length : 0;
        });
      }
      if (users.length < batch) return total;
    }
  }

  /** The user's lots that still hold credits, soonest end first. */
  async creditLots(userId: string): Promise<CreditLotView[]> {
    const user = await this.repo.balance(this.ds.manager, userId);
    const end = fromDbTime(user?.quotaExpireAt);
    const lots = await this.book.lots.open(this.ds.manager, userId);
    return lots
      .map((l) => ({
        id: l.id,
        source: l.source,
        amount: l.amount,
        remaining: l.remaining,
        expiresAt: isoOrNull(l.expiresAt),
        withMembership: l.expiresAt === null,
        createdAt: fromDbTime(l.createdAt)!.toISOString(),
        sortKey: lotExpiry(l, end)?.getTime() ?? Number.POSITIVE_INFINITY,
      }))
      .sort((a, b) => a.sortKey - b.sortKey)
      .map(({ sortKey: _s, ...view }) => view);
  }

  /**
   * Downgrades a membership whose expiry has passed: one `expire:<userId>:<expireAt>` row
   * zeroes the balance and clears the member flag. False when there was nothing to do.
   */
  async expire(userId: string, tx?: Db): Promise<boolean> {
    if (!tx) return inTransaction(this.ds, (own) => this.expire(userId, own));
    return this.expireLocked(tx, userId, this.clock());
  }

  /**
   * The membership's own credits (its grants, check-ins, admin top-ups, refunds made while no
   * lot could take them back) end with it; pack and invite credits keep their own expiry.
   */
  private async expireLocked(tx: Db, userId: string, now: Date): Promise<boolean> {
    if (!(await this.repo.lockExpiredMember(tx, userId, now))) return false;
    const user = await this.repo.balance(tx, userId);
    if (!user) return false;
    const expireAt = fromDbTime(user.quotaExpireAt)?.toISOString() ?? 'none';
    const tied = (await this.book.lots.open(tx, userId)).filter((l) => l.expiresAt === null);
    const amount = tied.reduce((sum, l) => sum + l.remaining, 0);
    const inserted = await this.repo.insertOnce(
      tx,
      {
        userId,
        kind: 'expire',
        delta: -amount,
        balanceAfter: user.quotaRemaining - amount,
        key: `expire:${userId}:${expireAt}`,
        reason: 'membership expired',
      },
      now,
    );
    if (inserted) for (const lot of tied) await this.book.lots.writeOff(tx, lot.id, now);
    // A key that exists means this period was already closed; still clear the flag it left.
    await this.repo.setMembership(tx, userId, inserted ? -amount : 0, false, fromDbTime(user.quotaExpireAt));
    return inserted;
  }

  /** An admin's manual correction, recorded with who and why. The balance never goes below zero. */
  async adjust(adminId: string, userId: string, delta: number, reason: string): Promise<LedgerEntry> {
    if (!Number.isInteger(delta) || delta === 0) throw new ValidationError('delta must be a non-zero integer');
    const key = `adjust:${randomUUID()}`;
    return inTransaction(this.ds, async (tx) => {
      const now = this.clock();
      if (!(await this.repo.lockUser(tx, userId, now))) throw new NotFoundError('User not found');
      const balance = (await this.repo.balance(tx, userId))?.quotaRemaining ?? 0;
      if (balance + delta < 0)
        throw new ConflictError(`The balance is ${balance}; it cannot go below zero`, 'BALANCE_TOO_LOW');
      await this.repo.insert(
        tx,
        [{ userId, adminId, reason, kind: 'adjust', delta, balanceAfter: balance + delta, key }],
        now,
      );
      await this.repo.addCredits(tx, userId, delta);
      // A top-up lasts as long as the membership; a deduction takes the soonest-expiring credits.
      if (delta > 0) await this.book.open(tx, { userId, source: 'adjust', key, amount: delta, expiresAt: null }, now);
      else await this.book.deduct(tx, userId, -delta, fromDbTime((await this.repo.balance(tx, userId))?.quotaExpireAt));
      const row = await this.repo.findByKey(tx, key);
      if (!row) throw new Error('ledger row vanished inside its own transaction');
      return row;
    });
  }

  async entries(userId: string, limit: number, offset: number): Promise<{ items: LedgerEntry[]; total: number }> {
    return this.repo.listForUser(this.ds.manager, userId, limit, offset);
  }

  /**
   * Test and ops helper: the balance equals the sum of the ledger and the sum of the lots, and
   * nothing is negative.
   */
  async checkInvariant(userId: string, db: Db = this.ds.manager): Promise<InvariantReport> {
    const user = await this.repo.balance(db, userId);
    const { sum, negativeBalances } = await this.repo.sumForUser(db, userId);
    const lotsSum = await this.book.lots.sumRemaining(db, userId);
    const balance = user?.quotaRemaining ?? 0;
    const problems: string[] = [];
    if (!user) problems.push('user not found');
    if (balance !== sum) problems.push(`balance ${balance} != ledger sum ${sum}`);
    if (balance !== lotsSum) problems.push(`balance ${balance} != lots sum ${lotsSum}`);
    if (balance < 0) problems.push(`negative balance ${balance}`);
    if (negativeBalances) problems.push(`${negativeBalances} ledger rows with a negative balance_after`);
    return { ok: problems.length === 0, balance, ledgerSum: sum, lotsSum, problems };
  }
}
