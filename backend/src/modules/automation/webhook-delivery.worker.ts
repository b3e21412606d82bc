import type { DataSource } from 'typeorm';
import { fromDbTime } from '../../db/time';
import { LeasedRowWorker } from '../../db/leased-row-worker';
import type { Logger } from '../../infra/logger';
import type { TaskDto } from '../tasks/task-view';
import type { AutomationConfig } from './automation.config';
import {
  toDelivery,
  type DeliveryDetail,
  type DeliveryRow,
  type WebhookDeliveriesRepository,
  type WebhookDelivery,
} from './webhook-deliveries.repository';
import type { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { sendWebhook, type WebhookAttempt } from './webhook-sender';

/** How the worker reads a task as merchants see it (signed URLs fresh at each attempt). */
export interface TaskViewPort {
  load(userId: string, taskId: string): Promise<TaskDto | null>;
}

export interface WebhookDeliveryWorkerDeps {
  db: DataSource;
  endpoints: WebhookEndpointsRepository;
  deliveries: WebhookDeliveriesRepository;
  tasks: TaskViewPort;
  config: AutomationConfig;
  logger: Logger;
  now?: () => Date;
}

/**
 * Delivers pending webhook rows through the leased-row worker: claim with a lease, build the event
 * body from the task as it is now, POST it signed, then mark it delivered, or retry after
 * base × 2^(attempt−1) (less up to 20 % jitter) until `maxAttempts`, keeping the last status and
 * error for the delivery log. A crash between the receiver's 2xx and our commit sends that event
 * again later (at least once): receivers deduplicate on the event `id`, which never changes
 * between attempts.
 */
export class WebhookDeliveryWorker {
  private readonly worker: LeasedRowWorker<DeliveryRow, DeliveryDetail>;

  private readonly db: DataSource;
  private readonly endpoints: WebhookEndpointsRepository;
  private readonly tasks: TaskViewPort;
  private readonly config: AutomationConfig;

  constructor(deps: WebhookDeliveryWorkerDeps) {
    this.db = deps.db;
    this.endpoints = deps.endpoints;
    this.tasks = deps.tasks;
    this.config = deps.config;
    const { db, deliveries, config, logger } = deps;
    const now = deps.now ?? (() => new Date());
    this.worker = new LeasedRowWorker<DeliveryRow, DeliveryDetail>({
      name: 'webhook delivery',
      db,
      queue: deliveries,
      pass: async (row) => {
        const attempt = await this.attempt(toDelivery(row));
        const detail = { statusCode: attempt.statusCode };
        return attempt.ok
          ? { result: 'sent', detail }
          : { result: 'retry', error: attempt.error ?? 'delivery failed', detail };
      },
      backoff: { baseMs: config.retryBaseMs },
      maxAttempts: config.maxAttempts,
      // The lease outlives one request, so a slow receiver is never sent the row twice at once.
      leaseMs: config.timeoutMs + 5_000,
      pollIntervalMs: config.pollIntervalMs,
      logger,
      describe: (row) => ({ deliveryId: row.id, endpointId: toDelivery(row).endpointId }),
      now,
    });
  }

  start(): void {
    this.worker.start();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** One pass over the due rows; returns how many were delivered. */
  runOnce(): Promise<number> {
    return this.worker.runOnce();
  }

  private async attempt(delivery: WebhookDelivery): Promise<WebhookAttempt> {
    const endpoint = await this.endpoints.findById(this.db.manager, delivery.endpointId);
    if (!endpoint) return { ok: false, statusCode: null, error: 'the endpoint was deleted' };
    const data = delivery.taskId ? await this.tasks.load(delivery.userId, delivery.taskId) : null;
    if (delivery.taskId && !data) return { ok: false, statusCode: null, error: 'the task no longer exists' };
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.eventType,
      createdAt: fromDbTime(delivery.createdAt)!.toISOString(),
      data,
    });
    return sendWebhook(
      endpoint.url,
      endpoint.secret,
      body,
      { eventId: delivery.eventId, eventType: delivery.eventType, deliveryId: delivery.id },
      {
        timeoutMs: this.config.timeoutMs,
        allowPrivate: this.config.allowPrivateUrls,
      },
    );
  }
}
