import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { AppContext, ReadinessCheck } from './app-context';
import { createApp, hotListener, type AppModule, type DetachFn } from './app';
import type { AppConfig } from './config/config';
import { openDatabase } from './db/data-source';
import { withFastHealth } from './http/fast-health';
import { LISTEN_BACKLOG } from './http/listen-backlog';
import { securityHeaderSets } from './http/security-headers';
import { createKeyValueStore } from './infra/kv';
import { createLogger, type Logger } from './infra/logger';
import { Metrics } from './infra/metrics';
import { buildModules } from './modules';
import { DependencyDownError } from './modules/health/health.service';
import { createOpenApiRegistry } from './openapi/registry';

export interface RunningBackend {
  app: Express;
  server: Server;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Replace the composition root (tests assemble partial apps). */
  modules?: (ctx: AppContext) => Promise<AppModule[]>;
}

/** Builds the context (database with migrations applied, KV store, metrics) and every module. */
export async function buildBackend(
  config: AppConfig,
  options: StartOptions = {},
): Promise<{ app: Express; ctx: AppContext; modules: AppModule[]; close(): Promise<void> }> {
  const logger = options.logger ?? createLogger(config.logLevel);
  for (const warning of config.warnings) logger.warn(warning);
  const db = await openDatabase(config.database);
  const kv = createKeyValueStore(config.redis, logger);
  const closers: Array<() => Promise<void> | void> = [];
  const ctx: AppContext = {
    config,
    logger,
    db,
    kv,
    metrics: new Metrics(),
    openapi: createOpenApiRegistry(),
    firstStart: {},
    onClose: (fn) => closers.push(fn),
  };
  const modules = await (options.modules ?? buildModules)(ctx);
  const app = createApp(ctx, modules, baseReadinessChecks(ctx));
  const close = async () => {
    for (const fn of closers.reverse()) await fn();
    await kv.close();
    if (db.isInitialized) await db.destroy();
  };
  return { app, ctx, modules, close };
}

function baseReadinessChecks(ctx: AppContext): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [{ name: 'database', check: async () => void (await ctx.db.query('SELECT 1')) }];
  if (ctx.config.redis) checks.push({ name: 'redis', check: () => ctx.kv.ping() });
  const n8n = ctx.config.n8n.baseUrl;
  if (n8n) {
    checks.push({
      name: 'n8n',
      check: async () => {
        const res = await fetch(new URL('/healthz', n8n), { signal: AbortSignal.timeout(1500) });
        if (!res.ok) throw new DependencyDownError('UNHEALTHY', `n8n answered ${res.status}`);
      },
    });
  }
  return checks;
}

/** Starts the HTTP server and the modules' background work. */
export async function startBackend(config: AppConfig, options: StartOptions = {}): Promise<RunningBackend> {
  const built = await buildBackend(config, options);
  // GET /health is answered before Express (same answer, headers and metrics; see fast-health.ts),
  // and so are the hot routes, with the same handlers (http/hot-routes.ts).
  const server = createServer(
    withFastHealth(hotListener(built.app), {
      securityHeaders: securityHeaderSets(config).app,
      metrics: built.ctx.metrics,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, LISTEN_BACKLOG, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const detachers: DetachFn[] = [];
  for (const module of built.modules) {
    const detach = await module.attach?.(server);
    if (detach) detachers.push(detach);
  }
  for (const module of built.modules) await module.start?.();
  const url = `http://${config.http.host}:${port}`;
  built.ctx.logger.info({ url, database: config.database.type, redis: Boolean(config.redis) }, 'backend listening');
  return {
    app: built.app,
    server,
    ctx: built.ctx,
    url,
    close: async () => {
      for (const detach of detachers.reverse()) await detach();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await built.close();
    },
  };
}
