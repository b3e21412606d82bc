import type { Db } from '../../db/transaction';

/**
 * What the tasks component needs from its neighbours, as narrow interfaces. The composition
 * root (`modules/index.ts`) passes the real services; tests pass real ones too, or small fakes
 * where a neighbour is beside the point.
 */
export interface CreditLedgerPort {
  /** Reserves `credits` for the tasks inside `tx`; throws 402 when the member cannot pay. */
  reserve(tx: Db, userId: string, credits: number, taskIds: string[]): Promise<unknown>;
  /** Refunds what the task reserved, at most once whatever calls it twice. */
  refund(tx: Db, taskId: string): Promise<unknown>;
}

export interface MembershipPort {
  /** Downgrades an expired membership before credits are looked at. */
  ensureCurrent(userId: string): Promise<unknown>;
}

export interface InputMediaPort {
  /** The caller's own uploaded input; throws 400/404 for anything else (no arbitrary URLs). */
  assertOwnedInput(userId: string, key: string): Promise<{ sha256: string }>;
}

export interface ObjectUrlPort {
  signedUrl(key: string, ttlSeconds: number): Promise<string> | string;
}

export interface ScenePort {
  assertValid(scene: string, category: string): Promise<void>;
  buildPrompt(scene: string, category: string): Promise<string>;
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

export interface DeadlinePort {
  /** Seconds a task of this type may take (runtime settings override the registry default). */
  seconds(type: 'basic_clean' | 'model_pose12'): Promise<number>;
}

/**
 * Told about every applied terminal change INSIDE the transaction that applies it, so what it
 * writes (merchant webhook deliveries) commits or rolls back with the task's state.
 */
export interface TaskEventsPort {
  taskFinished(tx: Db, task: { id: string; userId: string; status: 'done' | 'failed' | 'canceled' }): Promise<void>;
}

export interface TaskPorts {
  ledger: CreditLedgerPort;
  membership: MembershipPort;
  media: InputMediaPort;
  urls: ObjectUrlPort;
  scenes: ScenePort;
  progress: ProgressPort;
  deadlines?: DeadlinePort;
  events?: TaskEventsPort;
}
