import type { DataSource } from 'typeorm';
import { driverOf } from '../db/data-source';

export interface SchemaSummary {
  /** table → sorted column names with nullability, e.g. "phone NOT NULL". */
  columns: Record<string, string[]>;
  /** table → sorted unique keys as "col1,col2". */
  uniques: Record<string, string[]>;
  /** table → sorted check constraint names. */
  checks: Record<string, string[]>;
}

const IGNORED_TABLES = new Set(['migrations', 'typeorm_metadata']);

/** Reads tables, columns, unique keys and checks back from the live database, per driver. */
export async function inspectSchema(ds: DataSource): Promise<SchemaSummary> {
  return driverOf(ds) === 'mysql' ? inspectMysql(ds) : inspectSqlite(ds);
}

function push(map: Record<string, string[]>, table: string, value: string): void {
  (map[table] ??= []).push(value);
}

function sorted(map: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, [...map[k]].sort()]),
  );
}

async function inspectMysql(ds: DataSource): Promise<SchemaSummary> {
  const columns: Record<string, string[]> = {};
  const uniques: Record<string, string[]> = {};
  const checks: Record<string, string[]> = {};
  const cols = (await ds.query(
    `SELECT TABLE_NAME t, COLUMN_NAME c, IS_NULLABLE n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY ORDINAL_POSITION`,
  )) as Array<{ t: string; c: string; n: string }>;
  for (const { t, c, n } of cols) if (!IGNORED_TABLES.has(t)) push(columns, t, `${c}${n === 'NO' ? ' NOT NULL' : ''}`);
  const idx = (await ds.query(
    `SELECT TABLE_NAME t, INDEX_NAME i, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) cols
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'
      GROUP BY TABLE_NAME, INDEX_NAME`,
  )) as Array<{ t: string; cols: string }>;
  for (const { t, cols: c } of idx) if (!IGNORED_TABLES.has(t)) push(uniques, t, c);
  const ck = (await ds.query(
    `SELECT TABLE_NAME t, CONSTRAINT_NAME c FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
  )) as Array<{ t: string; c: string }>;
  for (const { t, c } of ck) push(checks, t, c);
  return { columns: sorted(columns), uniques: sorted(uniques), checks: sorted(checks) };
}

async function inspectSqlite(ds: DataSource): Promise<SchemaSummary> {
  const columns: Record<string, string[]> = {};
  const uniques: Record<string, string[]> = {};
  const checks: Record<string, string[]> = {};
  const tables = (await ds.query(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  )) as Array<{ name: string; sql: string }>;
  for (const { name, sql } of tables) {
    if (IGNORED_TABLES.has(name)) continue;
    const info = (await ds.query(`SELECT name, "notnull" AS nn, pk FROM pragma_table_info(?)`, [name])) as Array<{
      name: string;
      nn: number;
      pk: number;
    }>;
    // SQLite reports a primary key column as nullable unless declared NOT NULL; MySQL never does.
    for (const c of info) push(columns, name, `${c.name}${c.nn || c.pk ? ' NOT NULL' : ''}`);
    const indexes = (await ds.query(`SELECT name, "unique" AS u, origin FROM pragma_index_list(?)`, [name])) as Array<{
      name: string;
      u: number;
      origin: string;
    }>;
    for (const index of indexes) {
      if (!index.u || index.origin === 'pk') continue;
      const cols = (await ds.query(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, [index.name])) as Array<{
        name: string;
      }>;
      push(uniques, name, cols.map((c) => c.name).join(','));
    }
    for (const match of sql.matchAll(/CONSTRAINT "([^"]+)" CHECK/g)) push(checks, name, match[1]);
  }
  return { columns: sorted(columns), uniques: sorted(uniques), checks: sorted(checks) };
}
