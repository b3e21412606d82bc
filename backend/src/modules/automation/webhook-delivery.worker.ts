import type { DataSource } from 'typeorm';
import { fromDbTime } from '../../db/time';
import { inTransaction } from '../../db/transaction';
import type { Logger } from '../../infra/logger';
import { PollingLoop } from '../../infra/polling-loop';
import type { TaskDto } from '../tasks/task-view';
import type { AutomationConfig } from './automation.config';
import type { DeliveryRow, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import type { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { sendWebhook, type WebhookAttempt } from './webhook-sender';

/** How the worker reads a task as merchants see it (signed URLs fresh at each attempt). */
export interface TaskViewPort {
  load(userId: string, taskId: string): Promise<TaskDto | null>;
}

/**
 * Delivers pending webhook rows: claim with a lease, build the event body from the task as it
 * is now, POST it signed, then mark it delivered, or retry after base × 2^(attempt−1) until
 * `maxAttempts`, keeping the last status and error for the delivery log. A crash between the
 * receiver's 2xx and our commit sends that event again later (at least once): receivers
 * deduplicate on the event `id`, which never changes between attempts.
 */
export class WebhookDeliveryWorker {
  private readonly loop: PollingLoop;

  constructor(
    private readonly db: DataSource,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly tasks: TaskViewPort,
    private readonly config: AutomationConfig,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.loop = new PollingLoop(() => this.runOnce(), config.pollIntervalMs, logger, 'webhook delivery');
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over the due rows; returns how many were delivered. */
  async runOnce(): Promise<number> {
    const due = await this.deliveries.due(this.db.manager, this.now(), 20);
    const results = await Promise.all(due.map((row) => this.deliver(row)));
    return results.filter(Boolean).length;
  }

  private async deliver(row: DeliveryRow): Promise<boolean> {
    // The lease outlives one request, so a slow receiver is never sent the row twice at once.
    const leaseMs = this.config.timeoutMs + 5_000;
    if (!(await inTransaction(this.db, (tx) => this.deliveries.claim(tx, row, this.now(), leaseMs)))) return false;
    const attempt = await this.attempt(row);
    const attempts = row.attempts + 1;
    if (attempt.ok) {
      await inTransaction(this.db, (tx) => this.deliveries.markDelivered(tx, row.id, attempt.statusCode, this.now()));
      return true;
    }
    const error = attempt.error ?? 'delivery failed';
    const retryAt =
      attempts < this.config.maxAttempts
        ? new Date(this.now().getTime() + this.config.retryBaseMs * 2 ** (attempts - 1))
        : null;
    await inTransaction(this.db, (tx) =>
      this.deliveries.markFailedAttempt(tx, row.id, attempt.statusCode, error, retryAt, this.now()),
    );
    this.logger.warn(
      { deliveryId: row.id, endpointId: row.endpoint_id, attempts, retryAt, error },
      retryAt ? 'webhook delivery failed; will retry' : 'webhook delivery gave up',
    );
    return false;
  }

  private async attempt(row: DeliveryRow): Promise<WebhookAttempt> {
    const endpoint = await this.endpoints.findById(this.db.manager, row.endpoint_id);
    if (!endpoint) return { ok: false, statusCode: null, error: 'the endpoint was deleted' };
    const data = row.task_id ? await this.tasks.load(row.user_id, row.task_id) : null;
    if (row.task_id && !data) return { ok: false, statusCode: null, error: 'the task no longer exists' };
    const body = JSON.stringify({
      id: row.event_id,
      type: row.event_type,
      createdAt: fromDbTime(row.created_at)!.toISOString(),
      data,
    });
    return sendWebhook(
      endpoint.url,
      endpoint.secret,
      body,
      { eventId: row.event_id, eventType: row.event_type, deliveryId: row.id },
      {
        timeoutMs: this.config.timeoutMs,
        allowPrivate: this.config.allowPrivateUrls,
      },
    );
  }
}
