import type { DataSource } from 'typeorm';
import { fromDbTime } from '../../db/time';
import { inTransaction } from '../../db/transaction';
import type { Logger } from '../../infra/logger';
import { PollingLoop } from '../../infra/polling-loop';
import type { Metrics } from '../../infra/metrics';
import { signMessage } from '../n8n/signed-message';
import type { TaskPorts } from './task-ports';
import { definitionOfTask, inputsOfTask, selectionOf, type StoredInput } from './task-request';
import type { OutboxRepository, OutboxRow } from './outbox.repository';
import type { TaskRow, TasksRepository } from './tasks.repository';

export interface DispatcherOptions {
  n8nBaseUrl: string | null;
  sharedSecret: string;
  pollIntervalMs: number;
  maxBackoffMs: number;
  inputUrlTtlSeconds: number;
  /** How long a claimed row stays hidden from other workers while one request is in flight. */
  leaseMs?: number;
  requestTimeoutMs?: number;
}

/**
 * The outbox worker: delivers each task to its workflow's AI Photo Trigger with a signed POST,
 * retrying with exponential backoff while n8n is down or answers an error, until the task's
 * deadline (then the watchdog fails and refunds it). Rows survive restarts, so nothing is lost.
 */
export class OutboxDispatcher {
  private readonly loop: PollingLoop;

  constructor(
    private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly tasks: TasksRepository,
    private readonly ports: Pick<TaskPorts, 'urls' | 'scenes' | 'progress'>,
    private readonly options: DispatcherOptions,
    private readonly logger: Logger,
    private readonly metrics: Metrics | null = null,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.loop = new PollingLoop(() => this.runOnce(), options.pollIntervalMs, logger, 'outbox');
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Runs a pass now (after a task was created) instead of waiting for the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** One pass over the due rows; returns how many were delivered. */
  async runOnce(): Promise<number> {
    const due = await this.outbox.due(this.db.manager, this.now(), 20);
    const results = await Promise.all(due.map((row) => this.deliver(row)));
    return results.filter(Boolean).length;
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    // Every write goes through inTransaction: on SQLite's single connection a bare write could
    // otherwise land inside (and be rolled back with) another request's open transaction.
    const claimed = await inTransaction(this.db, (tx) =>
      this.outbox.claim(tx, row, this.now(), this.options.leaseMs ?? 30_000),
    );
    if (!claimed) return false;
    const { taskId } = JSON.parse(row.payload) as { taskId: string };
    const task = await this.tasks.findById(this.db.manager, taskId);
    if (!task || task.status !== 'queued') {
      // Canceled or timed out before delivery: nothing to send.
      await inTransaction(this.db, (tx) => this.outbox.markSent(tx, row.id, this.now()));
      return false;
    }
    try {
      await this.post(task);
    } catch (err) {
      await this.retryOrGiveUp(row, task, err instanceof Error ? err.message : String(err));
      return false;
    }
    this.metrics?.dispatches.inc({ outcome: 'sent' });
    const processing = await inTransaction(this.db, async (tx) => {
      const moved = await this.tasks.markDispatched(tx, task.id, this.now());
      await this.outbox.markSent(tx, row.id, this.now());
      return moved ? this.tasks.findById(tx, task.id) : null;
    });
    if (processing) {
      await this.ports.progress
        .publish(task.user_id, { taskId: task.id, status: processing.status, progress: processing.progress })
        .catch((err: unknown) => this.logger.warn({ err, taskId: task.id }, 'progress publish failed'));
    }
    return true;
  }

  private async retryOrGiveUp(row: OutboxRow, task: TaskRow, error: string): Promise<void> {
    const attempts = row.attempts + 1;
    const backoff = Math.min(this.options.maxBackoffMs, 500 * 2 ** Math.min(attempts - 1, 16));
    const at = new Date(this.now().getTime() + backoff);
    if (at.getTime() > fromDbTime(task.deadline_at)!.getTime()) {
      await inTransaction(this.db, (tx) => this.outbox.markDead(tx, row.id, error, this.now()));
      this.metrics?.dispatches.inc({ outcome: 'dead' });
      this.logger.error({ taskId: task.id, attempts, error }, 'dispatch gave up at the task deadline');
      return;
    }
    await inTransaction(this.db, (tx) => this.outbox.retryLater(tx, row.id, error, at, this.now()));
    this.metrics?.dispatches.inc({ outcome: 'retry' });
    this.logger.warn({ taskId: task.id, attempts, retryInMs: backoff, error }, 'dispatch failed; will retry');
  }

  /** The signed dispatch of docs/DEVELOPMENT.md; throws on anything but 2xx. */
  private async post(task: TaskRow): Promise<void> {
    if (!this.options.n8nBaseUrl) throw new Error('N8N_BASE_URL is not configured');
    // The definition frozen at creation: editing the type later never changes where this task goes.
    const def = definitionOfTask(task);
    const { seed, ...params } = JSON.parse(task.params) as Record<string, unknown>;
    const inputs: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(inputsOfTask(task, def))) inputs[name] = await this.signInput(input);
    const selection = selectionOf(def, params);
    const body = JSON.stringify({
      taskId: task.id,
      userId: task.user_id,
      type: task.type,
      inputKey: task.input_key,
      inputUrl: await this.sign(task.input_key),
      inputs,
      outputPrefix: `output/${task.user_id}/${task.id}/`,
      outputs: def.outputs,
      params,
      ...(def.promptTemplate
        ? { prompt: await this.ports.scenes.buildPrompt(selection.scene, selection.category, def.promptTemplate), seed }
        : {}),
      deadlineAt: fromDbTime(task.deadline_at)!.toISOString(),
    });
    const url = new URL(`/webhook/${def.webhookPath}`, this.options.n8nBaseUrl);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...signMessage(this.options.sharedSecret, body) },
      body,
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
    });
    if (!res.ok)
      throw new Error(`n8n answered ${res.status} for ${def.webhookPath}: ${(await res.text()).slice(0, 200)}`);
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
