import type { DataSource } from 'typeorm';
import { fromDbTime } from '../../db/time';
import { LeasedRowWorker, type PassOutcome } from '../../db/leased-row-worker';
import type { Logger } from '../../infra/logger';
import { ServicePoster } from '../../infra/post-to-service';
import type { Metrics } from '../../infra/metrics';
import { signMessage } from '../n8n/signed-message';
import type { AuditSettingsPort, TaskPorts } from './task-ports';

type AuditSettings = Awaited<ReturnType<AuditSettingsPort['current']>>;
import { definitionOfTask, inputsOfTask, selectionOf, type StoredInput } from './task-request';
import type { OutboxRepository, OutboxRow } from './outbox.repository';
import type { Task, TasksRepository } from './tasks.repository';

export interface DispatcherOptions {
  n8nBaseUrl: string | null;
  sharedSecret: string;
  pollIntervalMs: number;
  maxBackoffMs: number;
  inputUrlTtlSeconds: number;
  /** How long a claimed row stays hidden from other workers while one request is in flight. */
  leaseMs?: number;
  requestTimeoutMs?: number;
  /** The backoff's jitter source (tests pin it). */
  random?: () => number;
}

function taskIdOf(row: OutboxRow): string {
  return (JSON.parse(row.payload) as { taskId: string }).taskId;
}

export interface OutboxDispatcherDeps {
  db: DataSource;
  outbox: OutboxRepository;
  tasks: TasksRepository;
  ports: Pick<TaskPorts, 'urls' | 'scenes' | 'progress' | 'audit'>;
  options: DispatcherOptions;
  logger: Logger;
  metrics?: Metrics | null;
  now?: () => Date;
}

/**
 * The outbox worker: delivers each task to its workflow's AI Photo Trigger with a signed POST,
 * through the leased-row worker (claim, pass, backoff with jitter, sent | retry | dead): while n8n
 * is down or answers an error it retries after 500 ms × 2^(attempt−1) (capped, less up to 20 %),
 * until the next try would fall after the task's deadline (then the row is dead and the watchdog
 * fails and refunds the task). Rows survive restarts, so nothing is lost.
 */
export class OutboxDispatcher {
  private readonly worker: LeasedRowWorker<OutboxRow, 'skipped'>;

  private readonly db: DataSource;
  private readonly tasks: TasksRepository;
  private readonly ports: Pick<TaskPorts, 'urls' | 'scenes' | 'progress' | 'audit'>;
  private readonly options: DispatcherOptions;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private auditRead: Promise<AuditSettings> | null = null;
  private readonly poster = new ServicePoster();
  /** The tasks of the pass under way, read in one statement before the claims; taken out as used. */
  private readTogether = new Map<string, Task>();

  constructor(deps: OutboxDispatcherDeps) {
    this.db = deps.db;
    this.tasks = deps.tasks;
    this.ports = deps.ports;
    this.options = deps.options;
    this.logger = deps.logger;
    this.now = deps.now ?? (() => new Date());
    const { db, outbox, options, logger, now } = { ...deps, now: this.now };
    const metrics = deps.metrics ?? null;
    this.worker = new LeasedRowWorker<OutboxRow, 'skipped'>({
      name: 'dispatch',
      db,
      queue: outbox,
      pass: (row) => this.dispatch(row),
      prepare: (due) => this.readTasks(due),
      backoff: { baseMs: 500, maxMs: options.maxBackoffMs },
      leaseMs: options.leaseMs ?? 30_000,
      pollIntervalMs: options.pollIntervalMs,
      logger,
      describe: (row) => ({ taskId: taskIdOf(row) }),
      // A row whose task was already settled is closed without a request: not a delivery.
      onOutcome: (result, _row, detail) => detail !== 'skipped' && metrics?.dispatches.inc({ outcome: result }),
      now,
      random: options.random,
    });
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    this.poster.close();
  }

  /** Runs a pass now (after a task was created) instead of waiting for the next poll. */
  wake(): void {
    this.worker.wake();
  }

  /** One pass over the due rows; returns how many were delivered or found already settled. */
  runOnce(): Promise<number> {
    return this.worker.runOnce();
  }

  /**
   * One SELECT for the pass's tasks instead of one per row. Read before the claims, so a task
   * canceled meanwhile can still be sent, exactly as one canceled between a per-row read and the
   * POST always could: marking it dispatched is conditional on `queued`, and the execution's
   * callback finds it canceled (and stops the execution).
   */
  private async readTasks(due: OutboxRow[]): Promise<void> {
    this.readTogether = new Map();
    const found = await this.tasks.findByIds(this.db.manager, due.map(taskIdOf));
    for (const task of found) this.readTogether.set(task.id, task);
  }

  private async dispatch(row: OutboxRow): Promise<PassOutcome<'skipped'>> {
    const taskId = taskIdOf(row);
    const prefetched = this.readTogether.get(taskId);
    this.readTogether.delete(taskId);
    const task = prefetched ?? (await this.tasks.findById(this.db.manager, taskId));
    // Canceled or timed out before delivery: nothing to send.
    if (!task || task.status !== 'queued') return { result: 'sent', detail: 'skipped' };
    const giveUpAfter = fromDbTime(task.deadlineAt)!;
    try {
      await this.post(task);
    } catch (err) {
      return { result: 'retry', error: err instanceof Error ? err.message : String(err), giveUpAfter };
    }
    // The task first, then (by the worker) its row, each one UPDATE with no transaction around
    // them: should the second never happen (a crash, a lost connection), the row is claimed again
    // when its lease ends, finds the task no longer queued and is closed as skipped, without a
    // second POST. A failure here counts as a retry: the POST goes again after the backoff (with
    // the two in one failed transaction it went again when the lease ended).
    const marked = await this.tasks.markDispatched(this.db.manager, task.id, this.now());
    return {
      result: 'sent',
      afterCommit: async () => {
        // markDispatched changed only a queued task, and only its status: the row read above
        // still holds its progress, so no second read.
        if (!marked) return;
        await this.ports.progress
          .publish(task.userId, { taskId: task.id, status: 'processing', progress: task.progress })
          .catch((err: unknown) => this.logger.warn({ err, taskId: task.id }, 'progress publish failed'));
      },
    };
  }

  /** The signed dispatch of docs/DEVELOPMENT.md; throws on anything but 2xx. */
  private async post(task: Task): Promise<void> {
    if (!this.options.n8nBaseUrl) throw new Error('N8N_BASE_URL is not configured');
    // The definition frozen at creation: editing the type later never changes where this task goes.
    const def = definitionOfTask(task);
    const { seed, ...params } = JSON.parse(task.params) as Record<string, unknown>;
    const inputs: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(inputsOfTask(task, def))) inputs[name] = await this.signInput(input);
    const selection = selectionOf(def, params);
    const body = JSON.stringify({
      taskId: task.id,
      userId: task.userId,
      type: task.type,
      inputKey: task.inputKey,
      inputUrl: await this.sign(task.inputKey),
      inputs,
      outputPrefix: `output/${task.userId}/${task.id}/`,
      outputs: def.outputs,
      params,
      ...(def.promptTemplate
        ? { prompt: await this.ports.scenes.buildPrompt(selection.scene, selection.category, def.promptTemplate), seed }
        : {}),
      deadlineAt: fromDbTime(task.deadlineAt)!.toISOString(),
      // Read for each dispatch (the console's switch and threshold apply to every task sent from now
      // on); the dispatches of one pass, in flight together, share one read.
      audit: (await this.auditSettings()) ?? { enabled: false, threshold: 100 },
    });
    const url = new URL(`/webhook/${def.webhookPath}`, this.options.n8nBaseUrl);
    const res = await this.poster.post(url, body, {
      headers: { 'Content-Type': 'application/json', ...signMessage(this.options.sharedSecret, 'dispatch', body) },
      timeoutMs: this.options.requestTimeoutMs ?? 10_000,
      keepBytes: 200,
    });
    if (res.status < 200 || res.status > 299)
      throw new Error(`n8n answered ${res.status} for ${def.webhookPath}: ${res.text}`);
  }

  /** The audit settings, read once for all dispatches asking at the same time (single flight). */
  private auditSettings(): Promise<AuditSettings | undefined> {
    if (!this.ports.audit) return Promise.resolve(undefined);
    this.auditRead ??= this.ports.audit.current().finally(() => {
      this.auditRead = null;
    });
    return this.auditRead;
  }

  private async sign(key: string): Promise<string> {
    return this.ports.urls.signedUrl(key, this.options.inputUrlTtlSeconds);
  }

  /** An upload → `{ key, url }`; a source task → `{ taskId, items: [{ key, url }] }`. */
  private async signInput(input: StoredInput): Promise<unknown> {
    if ('key' in input) return { key: input.key, url: await this.sign(input.key) };
    const items = [];
    for (const key of input.keys) items.push({ key, url: await this.sign(key) });
    return { taskId: input.taskId, items };
  }
}
