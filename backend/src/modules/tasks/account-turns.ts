import type { AccountStanding } from './task-ports';

/**
 * A merchant's charged creates in this process take turns at the reserve, one transaction at a
 * time, and each turn learns how the turns before it left the account.
 *
 * Why: MySQL serializes a merchant's reserves on the user's row lock anyway, but 1,000 creates at
 * once all read the account before the first reserve commits, so every one of them passed the
 * early "can it pay?" check and opened a transaction. Up to a pool's worth waited on the row lock
 * holding their connections (so the other creates' reads queued behind them), and each refusal,
 * once the credits were gone, still took the lock for its `UPDATE`, a read and a `ROLLBACK`.
 * Waiting here instead holds no connection and no lock, and when a turn comes the account as the
 * previous turn committed it is known: a create that plainly cannot pay it is refused without a
 * statement.
 *
 * Why a refusal from it is right: an observation is the account at the moment a reserve committed
 * (the balance it left, the membership it saw), and it is used only by creates that had already
 * begun at that moment (`enter` before it). Refusing such a create answers what reserve would have
 * answered had the create run right then; a create begun later reads the account itself. Only
 * refusals are decided here: a create allowed by an observation still goes through reserve's
 * locked conditional decrement, which alone takes credits. Other replicas are not seen: their
 * reserves still queue on the row lock as before, and their commits are only ever seen by this
 * process through reserve itself.
 */
export class AccountTurns {
  private readonly accounts = new Map<string, AccountQueue>();
  /** Orders observations against creates' beginnings, across all accounts. */
  private clock = 0;

  /** A create of `userId` begins: the visit must be left (`leave`) however the create ends. */
  enter(userId: string): AccountVisit {
    let queue = this.accounts.get(userId);
    if (!queue) this.accounts.set(userId, (queue = new AccountQueue()));
    queue.visitors++;
    return new AccountVisit(this, userId, queue, this.clock);
  }

  /** Accounts with a create in flight (tests: nothing is kept once every visit has left). */
  get size(): number {
    return this.accounts.size;
  }

  /** @internal a turn's observation, stamped after every create already begun. */
  stamp(): number {
    return ++this.clock;
  }

  /** @internal */
  release(userId: string, queue: AccountQueue): void {
    if (--queue.visitors === 0 && this.accounts.get(userId) === queue) this.accounts.delete(userId);
  }
}

class AccountQueue {
  /** Settles when the last turn taken so far has ended. */
  tail: Promise<void> = Promise.resolve();
  visitors = 0;
  seen: AccountStanding | null = null;
  seenAt = 0;
}

const settled = () => undefined;

export class AccountVisit {
  private left = false;

  constructor(
    private readonly turns: AccountTurns,
    private readonly userId: string,
    private readonly queue: AccountQueue,
    /** The clock when the create began: observations stamped after it may refuse it. */
    private readonly since: number,
  ) {}

  /**
   * Runs `work` when the earlier turns of this account have ended, handing it the account as the
   * latest of them committed it since this create began (null when none did).
   */
  turn<T>(work: (seen: AccountStanding | null) => Promise<T>): Promise<T> {
    const queue = this.queue;
    const run = queue.tail.then(() => work(queue.seenAt > this.since ? queue.seen : null));
    queue.tail = run.then(settled, settled);
    return run;
  }

  /** The account as a reserve of this create committed it. */
  observe(account: AccountStanding): void {
    this.queue.seen = account;
    this.queue.seenAt = this.turns.stamp();
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    this.turns.release(this.userId, this.queue);
  }
}
