import { PaymentRequiredError } from '../../errors/app-error';
import type { Db } from '../../db/transaction';
import {
  CreditLotsRepository,
  isDue,
  planAllocation,
  spendOrder,
  type Lot,
  type LotSource,
} from './credit-lots.repository';
import type { LedgerRepository } from './ledger.repository';

/**
 * The lot side of each ledger operation (membership/README.md, "Credit lots"). The ledger calls it
 * inside its transaction, after taking the user's row lock and moving `quota_remaining`, so
 * `SUM(lots.remaining) == quota_remaining` holds at every commit beside the ledger invariant.
 */
export class LotBook {
  constructor(
    private readonly ledger: LedgerRepository,
    readonly lots = new CreditLotsRepository(),
  ) {}

  open(
    tx: Db,
    lot: { userId: string; source: LotSource; key: string; amount: number; expiresAt: Date | null },
    now: Date,
  ): Promise<string> {
    return this.lots.insert(tx, lot, now);
  }

  /**
   * Takes `share` for each task from the soonest-expiring lots and records where each credit
   * came from. Lots past their own expiry that the sweep has not reached are written off here
   * first (one `expire` row each), so nobody spends an expired credit.
   * @returns how much was written off (already taken from the balance).
   * @throws PaymentRequiredError QUOTA_EXHAUSTED when the unexpired lots hold too little.
   */
  async spend(
    tx: Db,
    input: { userId: string; taskIds: string[]; share: number; membershipEnd: Date | null; balanceBefore: number },
    now: Date,
  ): Promise<number> {
    const open = await this.lots.open(tx, input.userId);
    const due = open.filter((l) => isDue(l, now));
    const spendable = spendOrder(
      open.filter((l) => !isDue(l, now)),
      input.membershipEnd,
    );
    const plan = planAllocation(
      spendable,
      input.taskIds.map(() => input.share),
    );
    if (!plan) throw new PaymentRequiredError('QUOTA_EXHAUSTED', 'Not enough credits left for this request');
    const writtenOff = await this.writeOff(tx, input.userId, due, input.balanceBefore, now);
    const taken = new Map<string, number>();
    for (const step of plan) taken.set(step.lotId, (taken.get(step.lotId) ?? 0) + step.amount);
    for (const [lotId, amount] of taken) {
      if (!(await this.lots.take(tx, lotId, amount))) throw new Error(`lot ${lotId} changed under the user lock`);
    }
    await this.lots.insertAllocations(
      tx,
      plan.map((s) => ({ taskId: input.taskIds[s.index], lotId: s.lotId, amount: s.amount })),
      now,
    );
    return writtenOff;
  }

  /**
   * Returns a refunded task's credits to the lots they came from. A lot written off meanwhile
   * does not take them back: those credits (and those of tasks from before lots existed) come
   * back as a new lot that lasts as long as the membership, keyed like the refund.
   */
  async giveBack(tx: Db, userId: string, taskId: string, amount: number, now: Date): Promise<void> {
    let homeless = amount;
    for (const a of await this.lots.allocations(tx, taskId)) {
      if (await this.lots.giveBack(tx, a.lotId, a.amount)) homeless -= a.amount;
    }
    if (homeless > 0)
      await this.lots.insert(
        tx,
        { userId, source: 'refund', key: `refund:${taskId}`, amount: homeless, expiresAt: null },
        now,
      );
  }

  /**
   * Writes lots off with one `expire:lot:<lotId>` ledger row each and takes their credits from
   * the balance (`balanceBefore` is the balance the first row starts from). Returns the total.
   */
  async writeOff(tx: Db, userId: string, lots: Lot[], balanceBefore: number, now: Date): Promise<number> {
    let balance = balanceBefore;
    let total = 0;
    for (const lot of lots) {
      balance -= lot.remaining;
      const inserted = await this.ledger.insertOnce(
        tx,
        {
          userId,
          kind: 'expire',
          delta: -lot.remaining,
          balanceAfter: balance,
          key: `expire:lot:${lot.id}`,
          reason: `${lot.source} credits expired`,
        },
        now,
      );
      if (!inserted) throw new Error(`lot ${lot.id} was already written off`);
      await this.lots.writeOff(tx, lot.id, now);
      total += lot.remaining;
    }
    if (total) await this.ledger.addCredits(tx, userId, -total);
    return total;
  }

  /** An admin's deduction: from the soonest-expiring lots, not tied to any task. */
  async deduct(tx: Db, userId: string, amount: number, membershipEnd: Date | null): Promise<void> {
    const plan = planAllocation(spendOrder(await this.lots.open(tx, userId), membershipEnd), [amount]);
    if (!plan) throw new Error('the lots hold less than the balance');
    for (const step of plan) await this.lots.take(tx, step.lotId, step.amount);
  }
}
