import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config';
import { migrations } from './migrations';
import { serializeSqliteStatements } from './transaction';

export type DatabaseConfig = AppConfig['database'];
export type DriverName = DatabaseConfig['type'];

/**
 * Builds the TypeORM DataSource for either driver. Schema changes only ever come from
 * migrations (`synchronize` stays off). MySQL returns DATETIME as strings so both drivers
 * hand the repositories the same shape (see db/time.ts).
 */
export function createDataSource(db: DatabaseConfig): DataSource {
  const common = { migrations, synchronize: false, migrationsRun: false, logging: false } as const;
  let options: DataSourceOptions;
  if (db.type === 'sqlite') {
    mkdirSync(path.dirname(db.file), { recursive: true });
    options = {
      ...common,
      type: 'better-sqlite3',
      database: db.file,
      // WAL lets readers proceed while one writer commits; busy_timeout waits for the lock
      // instead of failing when two requests write at once.
      prepareDatabase: (conn: { pragma(sql: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
      },
    };
  } else {
    options = {
      ...common,
      type: 'mysql',
      connectorPackage: 'mysql2',
      url: db.url,
      timezone: 'Z',
      dateStrings: true,
      charset: 'utf8mb4_unicode_ci',
      extra: { connectionLimit: db.poolSize },
    };
  }
  return new DataSource(options);
}

/** Connects and applies pending migrations; returns the names of the ones applied. */
export async function openDatabase(db: DatabaseConfig): Promise<DataSource> {
  const ds = createDataSource(db);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  serializeSqliteStatements(ds);
  return ds;
}

export function driverOf(ds: DataSource): DriverName {
  return ds.options.type === 'mysql' ? 'mysql' : 'sqlite';
}
