import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isoOrNull } from '../../db/time';
import { assertPublicUrl } from '../../infra/public-url-guard';
import { inTransaction, type Db } from '../../db/transaction';
import { lockUserRow } from '../../db/user-lock';
import { ConflictError, NotFoundError } from '../../errors/app-error';
import type { TaskEventsPort } from '../tasks/task-ports';
import type { AutomationConfig } from './automation.config';
import type { WebhookDeliveriesRepository, WebhookDelivery } from './webhook-deliveries.repository';
import {
  eventsOf,
  type EndpointScope,
  type WebhookEndpoint,
  type WebhookEndpointsRepository,
} from './webhook-endpoints.repository';
import { newEndpointSecret } from './standard-webhooks';
import { sendWebhook } from './webhook-sender';

export const WEBHOOK_EVENTS = ['task.done', 'task.failed', 'task.canceled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
/** Enough for a shop's systems; a bound keeps one account from fanning every event out widely. */
export const MAX_ENDPOINTS = 10;

export type { EndpointScope } from './webhook-endpoints.repository';

export interface EndpointView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  /** Prefix of the API key that registered it (e.g. an n8n trigger); null when made in the portal. */
  apiKeyPrefix: string | null;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  type: string;
  taskId: string | null;
  status: WebhookDelivery['status'];
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/**
 * Webhook endpoints and their deliveries. The endpoint secret is generated here, shown once,
 * and stored in clear because every delivery is signed with it (HMAC needs the key itself; a
 * hash, unlike an API key's, would be useless). Also the tasks' events port: a finished task
 * enqueues one delivery per subscribed endpoint inside the settling transaction.
 * Every merchant-facing method takes an EndpointScope: an API key reaches only its own endpoints.
 */
export class WebhooksService implements TaskEventsPort {
  constructor(
    private readonly db: DataSource,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly config: AutomationConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    scope: EndpointScope,
    input: { url: string; events?: WebhookEventType[] },
  ): Promise<EndpointView & { secret: string }> {
    const { userId } = scope;
    const url = await assertPublicUrl(input.url, {
      allowPrivate: this.config.allowPrivateUrls,
      code: 'WEBHOOK_URL_PRIVATE',
    });
    const events = [...new Set(input.events?.length ? input.events : WEBHOOK_EVENTS)];
    const id = randomUUID();
    const secret = newEndpointSecret();
    await inTransaction(this.db, async (tx) => {
      // Count and insert under the merchant's row lock, so concurrent registrations cannot pass the cap together.
      await lockUserRow(tx, userId, this.now());
      if ((await this.endpoints.countOwned(tx, userId)) >= MAX_ENDPOINTS)
        throw new ConflictError(`At most ${MAX_ENDPOINTS} webhook endpoints`, 'WEBHOOK_LIMIT');
      const apiKeyId = scope.apiKeyId ?? null;
      await this.endpoints.insert(tx, { id, userId, url: url.toString(), secret, events, apiKeyId }, this.now());
    });
    return { ...(await this.get(scope, id)), secret };
  }

  async list(scope: EndpointScope): Promise<EndpointView[]> {
    return (await this.endpoints.listOwned(this.db.manager, scope)).map(toEndpointView);
  }

  async get(scope: EndpointScope, id: string): Promise<EndpointView> {
    return toEndpointView(await this.owned(scope, id));
  }

  /** Removes the endpoint and its log; pending deliveries to it stop with it. */
  async remove(scope: EndpointScope, id: string): Promise<void> {
    const removed = await inTransaction(this.db, async (tx) => {
      if (!(await this.endpoints.deleteOwned(tx, scope, id))) return false;
      await this.deliveries.deleteForEndpoint(tx, id);
      return true;
    });
    if (!removed) throw notFound();
  }

  /**
   * Removes the endpoints an API key registered, inside the transaction that revokes the key:
   * their owner (an n8n trigger, say) can no longer delete them, and must not keep receiving.
   */
  async removeForKey(tx: Db, userId: string, apiKeyId: string): Promise<void> {
    for (const id of await this.endpoints.idsOfKey(tx, userId, apiKeyId)) {
      await this.endpoints.deleteOwned(tx, { userId, apiKeyId }, id);
      await this.deliveries.deleteForEndpoint(tx, id);
    }
  }

  async deliveriesOf(scope: EndpointScope, id: string, limit: number): Promise<DeliveryView[]> {
    await this.owned(scope, id);
    return (await this.deliveries.listForEndpoint(this.db.manager, scope.userId, id, limit)).map(toDeliveryView);
  }

  /** Sends a `ping` once, now, and logs it; not retried (the merchant is watching the answer). */
  async ping(scope: EndpointScope, id: string): Promise<DeliveryView> {
    const { userId } = scope;
    const endpoint = await this.owned(scope, id);
    const eventId = randomUUID();
    const deliveryId = randomUUID();
    const createdAt = this.now();
    const body = JSON.stringify({
      id: eventId,
      type: 'ping',
      createdAt: createdAt.toISOString(),
      data: { endpointId: endpoint.id, message: 'AI Photo webhook test' },
    });
    const attempt = await sendWebhook(
      endpoint.url,
      endpoint.secret,
      body,
      { eventId, eventType: 'ping', deliveryId },
      { timeoutMs: this.config.timeoutMs, allowPrivate: this.config.allowPrivateUrls },
    );
    const stored = await inTransaction(this.db, async (tx) => {
      const rowId = await this.deliveries.add(
        tx,
        { endpointId: endpoint.id, userId, eventId, eventType: 'ping', taskId: null },
        createdAt,
        { status: attempt.ok ? 'delivered' : 'failed', statusCode: attempt.statusCode, error: attempt.error },
      );
      return this.deliveries.findById(tx, rowId);
    });
    return toDeliveryView(stored!);
  }

  /** TaskEventsPort: runs inside the settling transaction (never opens its own). */
  async taskFinished(
    tx: Db,
    task: { id: string; userId: string; status: 'done' | 'failed' | 'canceled' },
  ): Promise<void> {
    const type: WebhookEventType = `task.${task.status}`;
    const subscribed = (await this.endpoints.activeOf(tx, task.userId)).filter((e) => eventsOf(e).includes(type));
    if (!subscribed.length) return;
    // One event, one id, whichever endpoints receive it: receivers deduplicate on it.
    const eventId = randomUUID();
    for (const endpoint of subscribed) {
      await this.deliveries.add(
        tx,
        { endpointId: endpoint.id, userId: task.userId, eventId, eventType: type, taskId: task.id },
        this.now(),
      );
    }
  }

  private async owned(scope: EndpointScope, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.findOwned(this.db.manager, scope, id);
    if (!endpoint) throw notFound();
    return endpoint;
  }
}

const notFound = () => new NotFoundError('Webhook endpoint not found', 'WEBHOOK_NOT_FOUND');

function toEndpointView(row: WebhookEndpoint): EndpointView {
  return {
    id: row.id,
    url: row.url,
    events: eventsOf(row),
    active: Boolean(row.active),
    apiKeyPrefix: row.apiKeyPrefix ?? null,
    createdAt: isoOrNull(row.createdAt)!,
  };
}

function toDeliveryView(delivery: WebhookDelivery): DeliveryView {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    type: delivery.eventType,
    taskId: delivery.taskId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode === null ? null : Number(delivery.lastStatusCode),
    lastError: delivery.lastError,
    nextAttemptAt: delivery.status === 'pending' ? isoOrNull(delivery.nextAttemptAt) : null,
    deliveredAt: isoOrNull(delivery.deliveredAt),
    createdAt: isoOrNull(delivery.createdAt)!,
  };
}
