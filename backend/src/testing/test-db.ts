import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig, DriverName } from '../db/data-source';
import { openDatabase } from '../db/data-source';

/** Both drivers; integration suites run once per entry (`describe.each(drivers)`). */
export const drivers: DriverName[] = ['sqlite', 'mysql'];

/** The admin connection for test databases (the MariaDB on a developer machine / in CI). */
export function mysqlAdminUrl(): string {
  return process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
}

export interface TestDatabase {
  config: DatabaseConfig;
  /** Migrated data source; closed by drop(). */
  ds: DataSource;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file: a temp SQLite file, or a
 * uniquely named MySQL database created from MYSQL_URL and dropped afterwards.
 */
export async function createTestDatabase(
  driver: DriverName,
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  const config = await createEmptyDatabase(driver, options.poolSize);
  const ds = await openDatabase(config.config);
  return {
    config: config.config,
    ds,
    drop: async () => {
      if (ds.isInitialized) await ds.destroy();
      await config.drop();
    },
  };
}

/** An empty database (no migrations run) and how to remove it. */
export async function createEmptyDatabase(
  driver: DriverName,
  poolSize = 10,
): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  if (driver === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-db-'));
    return {
      config: { type: 'sqlite', file: path.join(dir, 'test.sqlite') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = new URL(mysqlAdminUrl());
  const base = admin.pathname.replace(/^\//, '') || 'test';
  const name = `${base}_t${randomBytes(4).toString('hex')}`.slice(0, 64);
  const conn = await mysql.createConnection({ uri: admin.toString() });
  try {
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return {
    config: { type: 'mysql', url: url.toString(), poolSize },
    drop: async () => {
      const c = await mysql.createConnection({ uri: admin.toString() });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}
