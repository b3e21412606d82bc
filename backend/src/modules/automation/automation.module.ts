import { Router } from 'express';
import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import { ApiKeysRepository } from './api-keys.repository';
import { apiKeysRoutes } from './api-keys.routes';
import { ApiKeysService } from './api-keys.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryWorker, type TaskViewPort } from './webhook-delivery.worker';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { webhooksRoutes } from './webhooks.routes';
import { WebhooksService } from './webhooks.service';

export interface AutomationApi {
  /** The requireUser hook for routes that accept API keys (tasks, media, membership). */
  apiKeys: ApiKeysService;
  /** The tasks' events port: enqueues webhook deliveries inside the settling transaction. */
  webhooks: WebhooksService;
  /** Sends the queued deliveries (started with the module). */
  worker: WebhookDeliveryWorker;
}

export interface AutomationModuleDeps {
  jwt: JwtService;
  /**
   * Reads a task the way `GET /api/v1/tasks/:id` shows it, for webhook bodies. Called only when a
   * delivery is sent, so it may read a tasks module built after this one (tasks need `webhooks`).
   */
  tasks: TaskViewPort;
}

/** Merchant automation: API keys and signed outgoing webhooks with their delivery worker. */
export function createAutomationModule(ctx: AppContext, deps: AutomationModuleDeps): Module<AutomationApi> {
  const config = ctx.config.automation;
  const logger = ctx.logger.child({ component: 'automation' });
  const endpoints = new WebhookEndpointsRepository();
  const deliveries = new WebhookDeliveriesRepository();
  const webhooks = new WebhooksService(ctx.db, endpoints, deliveries, config);
  const apiKeys = new ApiKeysService(ctx.db, new ApiKeysRepository(), logger, {
    onRevoke: (tx, userId, keyId) => webhooks.removeForKey(tx, userId, keyId),
  });
  const worker = new WebhookDeliveryWorker({ db: ctx.db, endpoints, deliveries, tasks: deps.tasks, config, logger });
  const router = Router();
  apiKeysRoutes(ctx, { jwt: deps.jwt, service: apiKeys }, router);
  webhooksRoutes(ctx, { jwt: deps.jwt, apiKeys, service: webhooks }, router);
  return {
    name: 'automation',
    router,
    api: { apiKeys, webhooks, worker },
    start: () => {
      worker.start();
      ctx.onClose(() => worker.stop());
    },
  };
}
