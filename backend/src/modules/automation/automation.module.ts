import { Router } from 'express';
import type { AppModule } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import type { ObjectUrlPort } from '../tasks/task-ports';
import { toTaskDto } from '../tasks/task-view';
import type { TasksRepository } from '../tasks/tasks.repository';
import { ApiKeysRepository } from './api-keys.repository';
import { apiKeysRoutes } from './api-keys.routes';
import { ApiKeysService } from './api-keys.service';
import { automationConfig } from './automation.config';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryWorker, type TaskViewPort } from './webhook-delivery.worker';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { webhooksRoutes } from './webhooks.routes';
import { WebhooksService } from './webhooks.service';

export interface Automation {
  /** The requireUser hook for routes that accept API keys (tasks, media, membership). */
  apiKeys: ApiKeysService;
  /** The tasks' events port: enqueues webhook deliveries inside the settling transaction. */
  webhooks: WebhooksService;
  /** The routes and the delivery worker; built once the tasks component can be read. */
  module(tasks: TaskViewPort): AppModule & { worker: WebhookDeliveryWorker };
}

/**
 * Merchant automation: API keys and signed outgoing webhooks. Built in two steps because the
 * tasks component needs `webhooks` as a port while the delivery worker reads tasks back.
 */
export function createAutomation(ctx: AppContext, deps: { jwt: JwtService }): Automation {
  const config = automationConfig(ctx.config);
  const logger = ctx.logger.child({ component: 'automation' });
  const endpoints = new WebhookEndpointsRepository();
  const deliveries = new WebhookDeliveriesRepository();
  const webhooks = new WebhooksService(ctx.db, endpoints, deliveries, config);
  const apiKeys = new ApiKeysService(ctx.db, new ApiKeysRepository(), logger, {
    onRevoke: (tx, userId, keyId) => webhooks.removeForKey(tx, userId, keyId),
  });
  return {
    apiKeys,
    webhooks,
    module: (tasks) => {
      const worker = new WebhookDeliveryWorker(ctx.db, endpoints, deliveries, tasks, config, logger);
      const router = Router();
      apiKeysRoutes(ctx, { jwt: deps.jwt, service: apiKeys }, router);
      webhooksRoutes(ctx, { jwt: deps.jwt, apiKeys, service: webhooks }, router);
      return {
        name: 'automation',
        router,
        worker,
        start: () => {
          worker.start();
          ctx.onClose(() => worker.stop());
        },
      };
    },
  };
}

/** Reads a task the way `GET /api/v1/tasks/:id` shows it, for webhook bodies. */
export function taskView(ctx: AppContext, repository: TasksRepository, urls: ObjectUrlPort): TaskViewPort {
  return {
    load: async (userId, taskId) => {
      const row = await repository.findById(ctx.db.manager, taskId);
      return row && row.user_id === userId ? toTaskDto(row, urls, ctx.config.tasks.resultUrlTtlSeconds) : null;
    },
  };
}
