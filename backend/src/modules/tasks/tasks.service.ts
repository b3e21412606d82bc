import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../db/db-errors';
import { toDbTime } from '../../db/time';
import { inTransaction, type Db } from '../../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/app-error';
import type { Metrics } from '../../infra/metrics';
import { AccountTurns, type AccountVisit } from './account-turns';
import { readForCreate, type CreateReads } from './create-reads.repository';
import type { AccountStanding, TaskPorts } from './task-ports';
import type { InputSlot, TaskTypeDefinition } from '../task-types/task-type.schema';
import type { TaskTypesService } from '../task-types/task-types.service';
import {
  fingerprintOf,
  planInputs,
  primaryKeyOf,
  resolveParams,
  type ResolvedInput,
  type StoredInput,
} from './task-request';
import type { TaskSettlement } from './task-settlement.service';
import { TasksRepository, type ListedTask, type Task, type TaskStatus } from './tasks.repository';
import type { OutboxRepository } from './outbox.repository';

export const DISPATCH_TOPIC = 'task.dispatch';

function isStanding(value: unknown): value is AccountStanding {
  return typeof value === 'object' && value !== null && 'quotaRemaining' in value && 'isMember' in value;
}

export interface CreateTasksInput {
  type: string;
  /** One task per key, in the type's first input slot. */
  inputKeys?: string[];
  /** Slot name → upload key (or task id for `task` slots); the non-first slots are shared by the batch. */
  inputs?: Record<string, string>;
  params: Record<string, unknown>;
  idempotencyKey?: string;
  /** The merchant's own failed task this request retries (recorded, so the failure stops offering Retry). */
  retryOf?: string;
}

export interface CreatedBatch {
  batchId: string;
  tasks: Task[];
  /** False when the Idempotency-Key matched an earlier request (nothing new was charged). */
  created: boolean;
}

export interface TasksServiceDeps {
  db: DataSource;
  types: Pick<TaskTypesService, 'forCreate'>;
  ports: TaskPorts;
  tasks: TasksRepository;
  outbox: OutboxRepository;
  settlement: TaskSettlement;
  wakeDispatcher: () => void;
  metrics?: Metrics | null;
  now?: () => Date;
}

/**
 * The task story: validate → reserve credits + insert tasks + outbox rows in ONE transaction →
 * wake the dispatcher. Reads are scoped by user; cancel settles through TaskSettlement.
 */
export class TasksService {
  private readonly db: DataSource;
  private readonly types: Pick<TaskTypesService, 'forCreate'>;
  private readonly ports: TaskPorts;
  private readonly tasks: TasksRepository;
  private readonly outbox: OutboxRepository;
  private readonly settlement: TaskSettlement;
  private readonly wakeDispatcher: () => void;
  private readonly metrics: Metrics | null;
  private readonly now: () => Date;
  private readonly turns = new AccountTurns();

  constructor(deps: TasksServiceDeps) {
    this.db = deps.db;
    this.types = deps.types;
    this.ports = deps.ports;
    this.tasks = deps.tasks;
    this.outbox = deps.outbox;
    this.settlement = deps.settlement;
    this.wakeDispatcher = deps.wakeDispatcher;
    this.metrics = deps.metrics ?? null;
    this.now = deps.now ?? (() => new Date());
  }

  async create(userId: string, input: CreateTasksInput): Promise<CreatedBatch> {
    // Entered first: what a reserve of this account commits from now on may refuse this create.
    const visit = this.turns.enter(userId);
    try {
      return await this.createIn(visit, userId, input);
    } finally {
      visit.leave();
    }
  }

  private async createIn(visit: AccountVisit, userId: string, input: CreateTasksInput): Promise<CreatedBatch> {
    // The type, the one upload (a single-image create) and the account in one statement
    // (create-reads.repository.ts); each is judged below where it was read before, by its own module.
    const inputKey = input.inputKeys?.length === 1 && input.inputs === undefined ? input.inputKeys[0] : null;
    const reads = await readForCreate(this.db.manager, userId, input.type, inputKey);
    // The stored definition of this moment is validated against and frozen into every task.
    const def = await this.types.forCreate(input.type, reads?.type);
    const params = await resolveParams(def, input.params ?? {}, this.ports.scenes);
    if (input.idempotencyKey) {
      const earlier = await this.tasks.findByClientKeyPrefix(this.db.manager, userId, input.idempotencyKey);
      if (earlier.length) return { batchId: earlier[0].batchId, tasks: earlier, created: false };
    }
    const inputs = await planInputs(def, input, (slot, value) =>
      this.resolveInput(userId, slot, value, value === inputKey ? reads?.upload : undefined),
    );
    if (input.retryOf !== undefined) {
      const failed = await this.tasks.findOwned(this.db.manager, userId, input.retryOf);
      if (!failed || failed.status !== 'failed')
        throw new ValidationError('retryOf: not a failed task of yours', { retryOf: 'not a failed task of yours' });
    }
    const standing = await this.ports.membership.ensureCurrent(userId, reads?.account);
    const credits = inputs.length * def.credits;
    // An account that plainly cannot pay is refused here, from the row ensureCurrent just read:
    // no transaction, no wait for the row lock (1,000 creates on an empty account queued 900
    // doomed transactions). Passing this check takes nothing; reserve below still decides.
    if (isStanding(standing)) {
      const refusal = this.ports.ledger.refusalFor?.(standing, credits);
      if (refusal) throw refusal;
    }

    const batchId = randomUUID();
    try {
      // One reserve of this account at a time in this process (account-turns.ts): a create whose
      // turn comes after an earlier turn left too little is refused from what that turn committed.
      const rows = await visit.turn(async (seen) => {
        const refusal = seen && this.ports.ledger.refusalFor?.(seen, credits);
        if (refusal) throw refusal;
        const batch = await inTransaction(this.db, (tx) =>
          this.insertBatch(tx, userId, def, params, inputs, batchId, input.idempotencyKey, true, input.retryOf ?? null),
        );
        if (batch.account) visit.observe(batch.account);
        return batch.tasks;
      });
      this.wakeDispatcher();
      this.metrics?.tasksCreated.inc({ type: def.key }, rows.length);
      return { batchId, tasks: rows, created: true };
    } catch (err) {
      // Two requests with the same key raced: the loser answers with the winner's tasks.
      if (input.idempotencyKey && isUniqueViolation(err)) {
        const winner = await this.tasks.findByClientKeyPrefix(this.db.manager, userId, input.idempotencyKey);
        if (winner.length) return { batchId: winner[0].batchId, tasks: winner, created: false };
      }
      throw err;
    }
  }

  /**
   * A console test run (docs/architecture.md §5 "Test runs"): one task of `def` (enabled or not,
   * as stored now) for the system test account, validated like a merchant's create and dispatched
   * the same way, but charged nothing and never answered from the result cache. No credits are
   * reserved, so no balance moves and the settlement's refund finds nothing to return.
   */
  async createTestRun(
    userId: string,
    def: TaskTypeDefinition,
    input: { inputs: Record<string, string>; params: Record<string, unknown> },
  ): Promise<Task> {
    const params = await resolveParams(def, input.params, this.ports.scenes);
    const inputs = await planInputs(def, { inputs: input.inputs }, (slot, value) =>
      this.resolveInput(userId, slot, value),
    );
    const {
      tasks: [row],
    } = await inTransaction(this.db, (tx) =>
      this.insertBatch(tx, userId, def, params, inputs, randomUUID(), undefined, false),
    );
    this.wakeDispatcher();
    return row;
  }

  /**
   * An owned upload, or (for `task` slots) an own finished task with enough results. `upload`: the
   * caller's row for `value` as the create's one read found it.
   */
  private async resolveInput(
    userId: string,
    slot: InputSlot,
    value: string,
    upload?: CreateReads['upload'],
  ): Promise<ResolvedInput> {
    if (slot.kind === 'image') {
      const { sha256, originalName } = await this.ports.media.assertOwnedInput(userId, value, upload);
      return { stored: { key: value }, fingerprint: sha256, name: originalName ?? null };
    }
    const source = await this.tasks.findOwned(this.db.manager, userId, value);
    if (!source) throw new NotFoundError(`inputs.${slot.name}: task not found`, 'TASK_NOT_FOUND');
    const keys = source.status === 'done' && source.resultKeys ? (JSON.parse(source.resultKeys) as string[]) : [];
    const min = slot.minResults ?? 1;
    if (keys.length < min)
      throw new ValidationError(`inputs.${slot.name}: needs a finished task with at least ${min} results`, {
        [`inputs.${slot.name}`]: 'not a finished task with enough results',
      });
    return { stored: { taskId: source.id, keys }, fingerprint: `task:${source.id}`, name: source.inputName };
  }

  private async insertBatch(
    tx: Db,
    userId: string,
    def: TaskTypeDefinition,
    params: Record<string, string>,
    inputs: Array<Record<string, ResolvedInput>>,
    batchId: string,
    idempotencyKey: string | undefined,
    charge = true,
    retryOf: string | null = null,
  ): Promise<{ tasks: Task[]; account?: AccountStanding }> {
    const now = this.now();
    const deadlineAt = new Date(now.getTime() + def.deadlineSeconds * 1000);
    const planned = [];
    for (const [index, resolved] of inputs.entries()) {
      // Test runs (uncharged) always reach the workflow: no cache lookup, and no cache entry.
      const cacheKey = def.cacheable && charge ? cacheKeyOf(def.key, fingerprintOf(def, resolved), params) : null;
      // A type with a server-built prompt also gets a random seed, so every run differs.
      const taskParams = def.promptTemplate ? { ...params, seed: this.ports.scenes.randomSeed() } : params;
      const stored: Record<string, StoredInput> = Object.fromEntries(
        Object.entries(resolved).map(([name, r]) => [name, r.stored]),
      );
      planned.push({
        id: randomUUID(),
        inputs: stored,
        cacheKey,
        taskParams,
        clientKey: idempotencyKey ? `${idempotencyKey}#${index}` : null,
        inputName: resolved[def.inputs[0].name]?.name ?? null,
      });
    }
    // Every task is charged, cache hits too: the merchant gets a result either way, so it takes an
    // active membership and the type's credits (kept, since a hit is born done). Only the vendor
    // call is saved (docs/architecture.md §11).
    // Reserved first, before any read of this transaction: the user's row lock then comes before
    // InnoDB's snapshot (taken at the first plain read), so every read below sees what the
    // merchant's earlier transactions committed (db/user-lock.ts).
    const reserved = charge
      ? await this.ports.ledger.reserve(
          tx,
          userId,
          planned.length * def.credits,
          planned.map((p) => p.id),
        )
      : undefined;
    const dispatches: Array<{ payload: { taskId: string }; at: Date }> = [];
    const tasks: Task[] = [];
    for (const [index, plan] of planned.entries()) {
      const p = {
        ...plan,
        cached: plan.cacheKey ? await this.tasks.findCachedResult(tx, userId, plan.cacheKey) : null,
      };
      // Stamped 1 ms apart so every listing keeps the order the images were given in.
      const createdAt = new Date(now.getTime() + index);
      const task = await this.tasks.insert(
        tx,
        {
          id: p.id,
          userId,
          batchId,
          type: def.key,
          typeDef: def,
          inputKey: primaryKeyOf(def, p.inputs),
          inputs: p.inputs,
          params: p.taskParams,
          deadlineAt,
          clientKey: p.clientKey,
          cacheKey: p.cacheKey,
          inputName: p.inputName,
          retryOf,
          // A cache hit is answered from stored results at once (charged like any task), no vendor call.
          status: p.cached ? 'done' : 'queued',
          resultKeys: p.cached?.resultKeys ? (JSON.parse(p.cached.resultKeys) as string[]) : null,
          progress: p.cached ? 100 : 0,
        },
        createdAt,
      );
      tasks.push(task);
      if (!p.cached) dispatches.push({ payload: { taskId: p.id }, at: createdAt });
      // A cache hit is born done: announce it like any finished task (merchant webhooks).
      else await this.ports.events?.taskFinished(tx, { id: p.id, userId, status: 'done' });
    }
    // The batch's outbox rows in one statement, and its tasks answered as inserted (no read-back):
    // on MySQL each statement is a round trip, and this transaction holds the merchant's row lock.
    await this.outbox.addMany(tx, DISPATCH_TOPIC, dispatches);
    return { tasks, account: reserved?.account };
  }

  async get(userId: string, id: string): Promise<Task> {
    const row = await this.tasks.findOwned(this.db.manager, userId, id);
    if (!row) throw new NotFoundError('Task not found', 'TASK_NOT_FOUND');
    return row;
  }

  /** The newest retry of each of the merchant's `ids` (see TasksRepository.retriesOf). */
  async retriesOf(userId: string, ids: string[]): Promise<Map<string, { id: string; status: TaskStatus }>> {
    return this.tasks.retriesOf(this.db.manager, userId, ids);
  }

  async batch(userId: string, batchId: string): Promise<Task[]> {
    const rows = await this.tasks.findBatch(this.db.manager, userId, batchId);
    if (!rows.length) throw new NotFoundError('Batch not found', 'BATCH_NOT_FOUND');
    return rows;
  }

  /** The merchant's most recent batches (newest first), each with its visible tasks. */
  recentBatches(userId: string, limit: number): Promise<Array<{ batchId: string; tasks: Task[] }>> {
    return this.tasks.recentBatches(this.db.manager, userId, limit);
  }

  /**
   * The merchant's own tasks among `ids`, for a bulk ZIP: other merchants' ids and hidden tasks are
   * left out as if unknown. 404 when none is the merchant's, 409 TASK_NOT_DONE when none is done.
   */
  async doneOwned(userId: string, ids: string[]): Promise<Task[]> {
    const owned = await this.tasks.findManyOwned(this.db.manager, userId, [...new Set(ids)]);
    if (!owned.length) throw new NotFoundError('Task not found', 'TASK_NOT_FOUND');
    const done = owned.filter((t) => t.status === 'done');
    if (!done.length) throw new ConflictError('None of these tasks is done yet', 'TASK_NOT_DONE');
    return done;
  }

  /** Hides the merchant's own tasks among `ids` (others' are ignored); answers how many. */
  hideMany(userId: string, ids: string[]): Promise<number> {
    return inTransaction(this.db, (tx) => this.tasks.hideMany(tx, userId, [...new Set(ids)], this.now()));
  }

  async list(
    userId: string,
    query: {
      cursor?: string;
      limit: number;
      type?: string;
      status?: TaskStatus;
      favorite?: boolean;
      from?: Date;
      to?: Date;
      name?: string;
    },
  ): Promise<{ items: ListedTask[]; nextCursor: string | null }> {
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    const items = await this.tasks.listPage(this.db.manager, {
      userId,
      type: query.type,
      status: query.status,
      favorite: query.favorite,
      from: query.from ? toDbTime(query.from) : undefined,
      to: query.to ? toDbTime(query.to) : undefined,
      name: query.name?.trim() || undefined,
      limit: query.limit + 1,
      before,
    });
    const page = items.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > query.limit && last ? encodeCursor(last) : null };
  }

  async cancel(userId: string, id: string): Promise<Task> {
    const task = await this.get(userId, id);
    if (
      !(await this.settlement.finish(
        task.id,
        'canceled',
        'CANCELED',
        'Canceled by the merchant; the credit was refunded',
      ))
    ) {
      throw new ConflictError(`The task is already ${(await this.get(userId, id)).status}`, 'TASK_ALREADY_FINISHED');
    }
    return this.get(userId, id);
  }

  async hide(userId: string, id: string): Promise<void> {
    if (!(await inTransaction(this.db, (tx) => this.tasks.setFlag(tx, userId, id, 'hidden', true, this.now()))))
      throw new NotFoundError('Task not found', 'TASK_NOT_FOUND');
  }

  async favorite(userId: string, id: string, value: boolean): Promise<Task> {
    if (!(await inTransaction(this.db, (tx) => this.tasks.setFlag(tx, userId, id, 'favorite', value, this.now()))))
      throw new NotFoundError('Task not found', 'TASK_NOT_FOUND');
    return this.get(userId, id);
  }
}

/** Same input bytes (every slot's), type and params → same result (only for cacheable types). */
export function cacheKeyOf(type: string, inputSha256: string, params: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
  return createHash('sha256').update(`${type}\n${inputSha256}\n${canonical}`).digest('hex');
}

function encodeCursor(row: Pick<Task, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.createdAt, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('cursor: not a cursor returned by this API');
}
