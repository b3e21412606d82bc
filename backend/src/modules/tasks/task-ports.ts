import type { Db } from '../../db/transaction';
import type { Upload } from '../media/uploads.repository';

/**
 * What the tasks component needs from its neighbours, as narrow interfaces. The composition
 * root (`modules/index.ts`) passes the real services; tests pass real ones too, or small fakes
 * where a neighbour is beside the point.
 */
export interface CreditLedgerPort {
  /**
   * Reserves `credits` for the tasks inside `tx`; throws 402 when the member cannot pay. Answers
   * the account as the reserve leaves it (what it is at commit, since the reserve holds the row
   * lock), when the ledger tells.
   */
  reserve(
    tx: Db,
    userId: string,
    credits: number,
    taskIds: string[],
  ): Promise<{ account?: AccountStanding } | undefined>;
  /** Refunds what the task reserved, at most once whatever calls it twice. */
  refund(tx: Db, taskId: string): Promise<unknown>;
  /**
   * The 402 reserve would answer, judged from an account row read without the lock; null when it
   * may pay. Lets a create refuse an empty account before opening a transaction; a null decides
   * nothing (reserve's locked conditional decrement does).
   */
  refusalFor?(account: AccountStanding, credits: number): Error | null;
}

/** What credits are judged on: the balance, the member flag (0/1) and the membership's end (database time). */
export interface AccountStanding {
  quotaRemaining: number;
  isMember: number;
  quotaExpireAt: string | null;
}

export interface MembershipPort {
  /**
   * Downgrades an expired membership before credits are looked at; answers the account as it is
   * then. `read`: the account as the create's one read found it (create-reads.repository.ts), used unless lapsed.
   */
  ensureCurrent(userId: string, read?: AccountStanding): Promise<AccountStanding | unknown>;
}

export interface InputMediaPort {
  /**
   * The caller's own uploaded input; throws 400/404 for anything else (no arbitrary URLs). `read`:
   * the caller's row for this key as the create's one read found it (create-reads.repository.ts), judged alike.
   */
  assertOwnedInput(
    userId: string,
    key: string,
    read?: { row: Upload | null },
  ): Promise<{ sha256: string; originalName?: string | null }>;
}

export interface ObjectUrlPort {
  /** A short-lived signed GET URL: computed locally (no I/O), so task answers are built synchronously. */
  signedUrl(key: string, ttlSeconds: number): string;
  /**
   * The same URL with the last instant (epoch ms) `signedUrl` would answer it again. Task answers
   * kept as JSON text (task-answers.ts) are reused only until then; without it they are built
   * every time.
   */
  signedUrlReuse?(key: string, ttlSeconds: number): { url: string; reusableUntilMs: number };
}

/** The scene catalog: codes a `scene`/`category` parameter may take and the prompt behind them. */
export interface ScenePort {
  /** Throws 400 for an unknown or inactive code; an undefined code is not checked. */
  assertValid(scene: string | undefined, category: string | undefined): Promise<void>;
  /** Fills a task type's prompt template with the catalog fragments of the selection. */
  buildPrompt(scene: string | undefined, category: string | undefined, template: string): Promise<string>;
  randomSeed(): number;
}

export interface ProgressEvent {
  taskId: string;
  status: 'queued' | 'processing' | 'done' | 'failed' | 'canceled';
  progress: number;
  errorCode?: string | null;
  errorReason?: string | null;
}

export interface ProgressPort {
  publish(userId: string, event: ProgressEvent): Promise<void>;
}

/**
 * Told about every applied terminal change INSIDE the transaction that applies it, so what it
 * writes (merchant webhook deliveries) commits or rolls back with the task's state.
 */
export interface TaskEventsPort {
  taskFinished(tx: Db, task: { id: string; userId: string; status: 'done' | 'failed' | 'canceled' }): Promise<void>;
}

/** Stops the n8n execution working on a task (a canceled task must cost no more vendor work). */
export interface ExecutionControlPort {
  /** Never throws: answers what happened. */
  stop(executionId: string): Promise<'stopped' | 'not-running' | 'failed'>;
}

/** The content-audit settings each dispatch carries to n8n (runtime settings `audit.*`). */
export interface AuditSettingsPort {
  current(): Promise<{ enabled: boolean; threshold: number }>;
}

export interface TaskPorts {
  ledger: CreditLedgerPort;
  membership: MembershipPort;
  media: InputMediaPort;
  urls: ObjectUrlPort;
  scenes: ScenePort;
  progress: ProgressPort;
  events?: TaskEventsPort;
  /** Absent when the backend has no n8n login (N8N_OWNER_EMAIL/PASSWORD): cancel then stops nothing in n8n. */
  executions?: ExecutionControlPort;
  /** Absent (tests): dispatches say the audit is off. */
  audit?: AuditSettingsPort;
}
