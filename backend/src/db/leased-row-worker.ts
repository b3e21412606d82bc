import type { DataSource } from 'typeorm';
import type { Logger } from '../infra/logger';
import { PollingLoop } from '../infra/polling-loop';
import { claimRow, dueRows, type LeasedRow, type LeasedTable } from './leased-rows';
import { inTransaction, type Db } from './transaction';

/** A row of a work queue: due when pending and `next_attempt_at` has come; `attempts` so far. */
export interface WorkRow extends LeasedRow {
  attempts: number;
}

/**
 * What one pass over a claimed row decided. `detail` travels to the queue's writer (an HTTP
 * status for the delivery log, say).
 * - `sent`: done. `inTransaction` runs in the transaction that marks the row sent (the business
 *   change that must commit with it); `afterCommit` runs once that transaction has committed.
 * - `retry`: try again after the backoff, unless the attempts are used up or the next try would
 *   fall after `giveUpAfter`; then the row is dead.
 * - `dead`: never try again.
 */
export type PassOutcome<D = undefined> =
  | { result: 'sent'; detail?: D; inTransaction?: (tx: Db) => Promise<void>; afterCommit?: () => Promise<void> }
  | { result: 'retry'; error: string; detail?: D; giveUpAfter?: Date }
  | { result: 'dead'; error: string; detail?: D };

/**
 * How a queue's table records each end of a pass (the statuses are the table's own words). Each
 * mark must be ONE statement through `execute` (db/transaction.ts): the worker runs it on the data
 * source's manager, in no transaction, unless a pass's business change must commit with it.
 */
export interface LeasedQueue<Row extends WorkRow, D = undefined> {
  table: LeasedTable;
  markSent(db: Db, row: Row, now: Date, detail: D | undefined): Promise<void>;
  markRetry(db: Db, row: Row, at: Date, error: string, now: Date, detail: D | undefined): Promise<void>;
  markDead(db: Db, row: Row, error: string, now: Date, detail: D | undefined): Promise<void>;
}

export interface Backoff {
  /** Delay before the second attempt; it doubles for each further one. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs?: number;
  /** Each delay is shortened by up to this share, at random, so rows failed together spread out. */
  jitter?: number;
}

/** Default share of jitter: each delay lies between 80 % and 100 % of its nominal value. */
export const DEFAULT_JITTER = 0.2;

/**
 * The wait before the attempt after `failedAttempt` (1-based): base × 2^(failedAttempt−1), capped
 * at `maxMs`, less up to `jitter` of itself. Never longer than the nominal delay, so documented
 * upper bounds hold.
 */
export function backoffDelay(backoff: Backoff, failedAttempt: number, random: () => number = Math.random): number {
  const nominal = Math.min(backoff.maxMs ?? Infinity, backoff.baseMs * 2 ** Math.min(failedAttempt - 1, 30));
  const jitter = Math.min(Math.max(backoff.jitter ?? DEFAULT_JITTER, 0), 1);
  return Math.round(nominal * (1 - jitter * random()));
}

export interface LeasedRowWorkerOptions<Row extends WorkRow, D> {
  /** For logs: `outbox`, `webhook delivery`. */
  name: string;
  db: DataSource;
  queue: LeasedQueue<Row, D>;
  /** Works one claimed row; `attempt` counts this one (1 for the first). A throw counts as `retry`. */
  pass: (row: Row, attempt: number) => Promise<PassOutcome<D>>;
  backoff: Backoff;
  /** Attempts in all; none means only `giveUpAfter` (or a `dead` outcome) ends the retries. */
  maxAttempts?: number;
  /** How long a claimed row stays hidden from other workers: longer than one pass can take. */
  leaseMs: number;
  pollIntervalMs: number;
  /** Rows claimed per pass (worked concurrently). */
  batchSize?: number;
  /**
   * Called once per pass with every due row, before any is claimed (a queue reads what its passes
   * need in one statement). Best effort: a failure is logged and the passes run without it.
   */
  prepare?: (due: Row[]) => Promise<void>;
  logger: Logger;
  /** What identifies a row in the log (its task, its endpoint…). */
  describe?: (row: Row) => Record<string, unknown>;
  /** Called once per pass outcome, after it was written (metrics). */
  onOutcome?: (result: PassOutcome['result'], row: Row, detail: D | undefined) => void;
  now?: () => Date;
  random?: () => number;
}

/**
 * The one worker for work queues kept as rows (the task outbox, webhook deliveries): poll the due
 * rows, claim each with a lease (so two workers or replicas never take the same row), run the
 * pass, and write its outcome — sent, retry after a doubling delay with jitter, or dead. Rows
 * survive restarts; a crash mid-pass leaves the row to be claimed again when its lease ends.
 */
export class LeasedRowWorker<Row extends WorkRow, D = undefined> {
  private readonly loop: PollingLoop;
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly options: LeasedRowWorkerOptions<Row, D>) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.loop = new PollingLoop(() => this.runOnce(), options.pollIntervalMs, options.logger, options.name);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Asks for a pass now (new work was queued) instead of at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** One pass over the due rows; returns how many ended `sent`. */
  async runOnce(): Promise<number> {
    const { db, queue, batchSize = 20 } = this.options;
    const due = await dueRows<Row>(db.manager, queue.table, this.now(), batchSize);
    if (due.length && this.options.prepare)
      await this.options
        .prepare(due)
        .catch((err: unknown) => this.options.logger.warn({ err }, `${this.options.name}: preparing the pass failed`));
    const results = await Promise.all(due.map((row) => this.work(row)));
    return results.filter((r) => r === 'sent').length;
  }

  private async work(row: Row): Promise<PassOutcome['result'] | null> {
    const { db, queue, leaseMs } = this.options;
    // One conditional UPDATE is atomic on its own: no transaction around it (on MySQL that saved
    // START TRANSACTION and COMMIT, two round trips of three, per row). `execute` on the data
    // source's manager waits its turn on SQLite's single connection (db/transaction.ts), so the
    // write never lands inside another request's open transaction.
    const claimed = await claimRow(db.manager, queue.table, row, this.now(), leaseMs);
    if (!claimed) return null;
    const attempt = row.attempts + 1;
    let outcome: PassOutcome<D>;
    try {
      outcome = await this.options.pass(row, attempt);
    } catch (err) {
      outcome = { result: 'retry', error: err instanceof Error ? err.message : String(err) };
    }
    const result = await this.record(row, attempt, outcome);
    this.options.onOutcome?.(result, row, outcome.detail);
    return result;
  }

  private async record(row: Row, attempt: number, outcome: PassOutcome<D>): Promise<PassOutcome['result']> {
    const { db, queue, logger, name } = this.options;
    const context = { ...this.options.describe?.(row), rowId: row.id, attempts: attempt };
    if (outcome.result === 'sent') {
      const { inTransaction: alongside } = outcome;
      // With a business change, both commit together; alone, the one UPDATE needs no transaction.
      if (alongside)
        await inTransaction(db, async (tx) => {
          await alongside(tx);
          await queue.markSent(tx, row, this.now(), outcome.detail);
        });
      else await queue.markSent(db.manager, row, this.now(), outcome.detail);
      await outcome
        .afterCommit?.()
        .catch((err: unknown) => logger.warn({ err, ...context }, `${name}: after-commit step failed`));
      return 'sent';
    }
    if (outcome.result === 'retry') {
      const delayMs = backoffDelay(this.options.backoff, attempt, this.random);
      const at = new Date(this.now().getTime() + delayMs);
      const outOfAttempts = this.options.maxAttempts !== undefined && attempt >= this.options.maxAttempts;
      const pastDeadline = outcome.giveUpAfter !== undefined && at.getTime() > outcome.giveUpAfter.getTime();
      if (!outOfAttempts && !pastDeadline) {
        await queue.markRetry(db.manager, row, at, outcome.error, this.now(), outcome.detail);
        logger.warn({ ...context, retryInMs: delayMs, error: outcome.error }, `${name} failed; will retry`);
        return 'retry';
      }
      const why = outOfAttempts ? 'after the last attempt' : 'at its deadline';
      await queue.markDead(db.manager, row, outcome.error, this.now(), outcome.detail);
      logger.error({ ...context, error: outcome.error }, `${name} gave up ${why}`);
      return 'dead';
    }
    await queue.markDead(db.manager, row, outcome.error, this.now(), outcome.detail);
    logger.error({ ...context, error: outcome.error }, `${name} gave up`);
    return 'dead';
  }
}
