import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config/config';
import type { KeyValueStore } from './infra/kv';
import type { Logger } from './infra/logger';
import type { Metrics } from './infra/metrics';

/**
 * What every module is built from. Passed explicitly (constructor injection), so a test can
 * assemble an app on SQLite or MySQL, with Redis or the in-process store, without a container.
 */
export interface AppContext {
  config: AppConfig;
  logger: Logger;
  db: DataSource;
  kv: KeyValueStore;
  metrics: Metrics;
  openapi: OpenAPIRegistry;
  /**
   * What the person who started this process must be told once, on the terminal and never in
   * the log: the generated first admin password when the account was created on this start.
   */
  firstStart: { adminCredentials?: { username: string; password: string } };
  /** Background loops (sweeps, outbox, watchdog) stopped on shutdown. */
  onClose(fn: () => Promise<void> | void): void;
}

/** A readiness check of one dependency: resolves when healthy, throws otherwise. */
export type ReadinessCheck = { name: string; check: () => Promise<void> };
