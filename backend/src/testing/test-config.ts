import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../config/config';
import type { DatabaseConfig } from '../db/data-source';

/** A validated test configuration: temp data dir, silent logs, ephemeral port. */
export function testConfig(overrides: Record<string, string> = {}, database?: DatabaseConfig): AppConfig {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'aiphoto-data-')),
    ...overrides,
  });
  return database ? { ...config, database } : config;
}

/** Redis for integration tests (a dedicated DB index; keys carry a unique prefix). */
export function testRedisUrl(): string {
  return process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379/15';
}
