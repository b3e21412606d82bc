import type { RequestHandler } from 'express';
import type { AppModule } from '../../app';
import type { AppContext } from '../../app-context';
import { PollingLoop } from '../../infra/polling-loop';
import { OutboxDispatcher } from './dispatcher';
import { OutboxRepository } from './outbox.repository';
import type { TaskPorts } from './task-ports';
import { TaskTypesService } from '../task-types/task-types.service';
import { TaskSettlement } from './task-settlement.service';
import { tasksRoutes, type TaskRouteDeps } from './tasks.routes';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

export interface TasksModule extends AppModule {
  service: TasksService;
  settlement: TaskSettlement;
  dispatcher: OutboxDispatcher;
  repository: TasksRepository;
  types: TaskTypesService;
}

/** Builds the tasks component: service, settlement, outbox dispatcher, watchdog and routes. */
export function tasksModule(
  ctx: AppContext,
  ports: TaskPorts,
  requireUser: RequestHandler,
  zip?: TaskRouteDeps['zip'],
): TasksModule {
  const types = new TaskTypesService(ctx.db);
  const repository = new TasksRepository();
  const outbox = new OutboxRepository();
  const settlement = new TaskSettlement(ctx.db, repository, ports, ctx.logger, ctx.metrics);
  const dispatcher = new OutboxDispatcher(
    ctx.db,
    outbox,
    repository,
    ports,
    {
      n8nBaseUrl: ctx.config.n8n.baseUrl,
      sharedSecret: ctx.config.n8n.sharedSecret,
      pollIntervalMs: ctx.config.tasks.outboxPollIntervalMs,
      maxBackoffMs: ctx.config.tasks.outboxMaxBackoffMs,
      inputUrlTtlSeconds: ctx.config.tasks.inputUrlTtlSeconds,
    },
    ctx.logger,
    ctx.metrics,
  );
  const service = new TasksService(
    ctx.db,
    types,
    ports,
    repository,
    outbox,
    settlement,
    () => dispatcher.wake(),
    ctx.metrics,
  );
  // Never two passes at once, and shutdown waits for the pass in flight.
  const watchdog = new PollingLoop(
    () => settlement.failOverdue(),
    ctx.config.tasks.watchdogIntervalMs,
    ctx.logger,
    'watchdog',
  );
  return {
    name: 'tasks',
    service,
    settlement,
    dispatcher,
    repository,
    types,
    router: tasksRoutes(ctx, { service, settlement, urls: ports.urls, requireUser, types, zip }),
    start: () => {
      dispatcher.start();
      watchdog.start();
      ctx.onClose(async () => {
        await watchdog.stop();
        await dispatcher.stop();
      });
    },
  };
}
