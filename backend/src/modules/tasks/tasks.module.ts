import type { RequestHandler } from 'express';
import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import { PollingLoop } from '../../infra/polling-loop';
import { N8nExecutions } from '../n8n/n8n-executions';
import { TaskTypesService } from '../task-types/task-types.service';
import { OutboxDispatcher } from './dispatcher';
import { OutboxRepository } from './outbox.repository';
import type { ExecutionControlPort, TaskPorts } from './task-ports';
import { TaskSettlement } from './task-settlement.service';
import { toTaskDto, type TaskDto } from './task-view';
import { tasksRoutes, type TaskRouteDeps } from './tasks.routes';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

export interface TasksModuleDeps {
  /** The neighbours the tasks need, as narrow ports (task-ports.ts). */
  ports: TaskPorts;
  /** Admits a merchant (JWT, or an API key when the automation resolver is given). */
  requireUser: RequestHandler;
  /** Streams a ZIP of stored objects (the media module's); without it, downloads answer 404. */
  zip?: TaskRouteDeps['zip'];
}

export interface TasksApi {
  service: TasksService;
  settlement: TaskSettlement;
  dispatcher: OutboxDispatcher;
  repository: TasksRepository;
  types: TaskTypesService;
  /** A merchant's task the way `GET /api/v1/tasks/:id` shows it (null when not theirs), for webhook bodies. */
  view: { load(userId: string, taskId: string): Promise<TaskDto | null> };
}

/** Builds the tasks component: service, settlement, outbox dispatcher, watchdog and routes. */
export function createTasksModule(ctx: AppContext, deps: TasksModuleDeps): Module<TasksApi> {
  const ports: TaskPorts = { ...deps.ports, executions: deps.ports.executions ?? n8nExecutions(ctx) };
  const types = new TaskTypesService(ctx.db);
  const repository = new TasksRepository();
  const outbox = new OutboxRepository();
  const settlement = new TaskSettlement({
    db: ctx.db,
    tasks: repository,
    ports,
    logger: ctx.logger,
    metrics: ctx.metrics,
  });
  const dispatcher = new OutboxDispatcher({
    db: ctx.db,
    outbox,
    tasks: repository,
    ports,
    options: {
      n8nBaseUrl: ctx.config.n8n.baseUrl,
      sharedSecret: ctx.config.n8n.sharedSecret,
      pollIntervalMs: ctx.config.tasks.outboxPollIntervalMs,
      maxBackoffMs: ctx.config.tasks.outboxMaxBackoffMs,
      inputUrlTtlSeconds: ctx.config.tasks.inputUrlTtlSeconds,
    },
    logger: ctx.logger,
    metrics: ctx.metrics,
  });
  const service = new TasksService({
    db: ctx.db,
    types,
    ports,
    tasks: repository,
    outbox,
    settlement,
    wakeDispatcher: () => dispatcher.wake(),
    metrics: ctx.metrics,
  });
  const ttl = ctx.config.tasks.resultUrlTtlSeconds;
  const view: TasksApi['view'] = {
    load: async (userId, taskId) => {
      const row = await repository.findById(ctx.db.manager, taskId);
      return row && row.userId === userId ? toTaskDto(row, ports.urls, ttl) : null;
    },
  };
  // Never two passes at once, and shutdown waits for the pass in flight.
  const watchdog = new PollingLoop(
    () => settlement.failOverdue(),
    ctx.config.tasks.watchdogIntervalMs,
    ctx.logger,
    'watchdog',
  );
  return {
    name: 'tasks',
    api: { service, settlement, dispatcher, repository, types, view },
    router: tasksRoutes(ctx, {
      service,
      settlement,
      urls: ports.urls,
      requireUser: deps.requireUser,
      types,
      zip: deps.zip,
    }),
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

/** Canceling a task stops its n8n execution with the n8n owner's login (no login: nothing is stopped). */
function n8nExecutions(ctx: AppContext): ExecutionControlPort | undefined {
  const { baseUrl, owner } = ctx.config.n8n;
  if (baseUrl && owner) return new N8nExecutions({ baseUrl, owner }, ctx.logger);
  if (baseUrl)
    ctx.logger.warn('N8N_OWNER_EMAIL/N8N_OWNER_PASSWORD unset: canceling a task will not stop its n8n execution');
  return undefined;
}
