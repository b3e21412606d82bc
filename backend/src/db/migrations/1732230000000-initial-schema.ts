import {
  Table,
  TableCheck,
  TableIndex,
  TableUnique,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

/**
 * The whole data model of docs/architecture.md §3, written once with TypeORM's schema builder so
 * MySQL/MariaDB and SQLite get the same tables, keys and checks.
 *
 * Conventions: ids are UUID strings; times are DATETIME(3) in UTC written by the
 * application (see db/time.ts); JSON lives in TEXT columns (parsed in repositories).
 */

const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isNullable: nullable,
});
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const int = (name: string, def?: number): TableColumnOptions => ({ name, type: 'int', default: def });
const flag = (name: string): TableColumnOptions => ({ name, type: 'smallint', default: 0 });
const time = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable: nullable,
});
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const stamps = (): TableColumnOptions[] => [time('created_at'), time('updated_at')];

const tables: Table[] = [
  new Table({
    name: 'users',
    columns: [
      id(),
      str('phone', 20),
      str('nickname', 64, true),
      flag('is_member'),
      int('quota_remaining', 0),
      time('quota_expire_at', true),
      ...stamps(),
    ],
    uniques: [new TableUnique({ name: 'uq_users_phone', columnNames: ['phone'] })],
    checks: [new TableCheck({ name: 'ck_users_quota_nonneg', expression: 'quota_remaining >= 0' })],
  }),
  new Table({
    name: 'admin_users',
    columns: [id(), str('username', 64), str('password_hash', 255), str('role', 16), time('created_at')],
    uniques: [new TableUnique({ name: 'uq_admin_users_username', columnNames: ['username'] })],
    checks: [new TableCheck({ name: 'ck_admin_users_role', expression: "role IN ('admin', 'operator')" })],
  }),
  new Table({
    name: 'verification_codes',
    columns: [
      id(),
      str('phone', 20),
      str('code_hash', 128),
      str('ip', 64),
      int('attempts', 0),
      time('used_at', true),
      time('expire_at'),
      time('created_at'),
    ],
    indices: [new TableIndex({ name: 'ix_verification_codes_phone', columnNames: ['phone', 'created_at'] })],
  }),
  new Table({
    name: 'orders',
    columns: [
      id(),
      ref('user_id'),
      str('plan_id', 32),
      int('amount_fen'),
      str('channel', 16),
      str('status', 16),
      str('out_trade_no', 64),
      str('transaction_id', 64, true),
      time('created_at'),
      time('paid_at', true),
      time('updated_at'),
    ],
    uniques: [
      new TableUnique({ name: 'uq_orders_out_trade_no', columnNames: ['out_trade_no'] }),
      new TableUnique({ name: 'uq_orders_transaction_id', columnNames: ['transaction_id'] }),
    ],
    indices: [
      new TableIndex({ name: 'ix_orders_user', columnNames: ['user_id', 'created_at'] }),
      new TableIndex({ name: 'ix_orders_status', columnNames: ['status', 'created_at'] }),
    ],
    checks: [
      new TableCheck({ name: 'ck_orders_status', expression: "status IN ('pending', 'paid', 'closed', 'failed')" }),
      new TableCheck({ name: 'ck_orders_amount', expression: 'amount_fen > 0' }),
    ],
  }),
  new Table({
    name: 'quota_ledger',
    columns: [
      id(),
      ref('user_id'),
      int('delta'),
      int('balance_after'),
      str('kind', 16),
      ref('task_id', true),
      ref('order_id', true),
      ref('admin_id', true),
      str('reason', 255, true),
      str('idempotency_key', 128),
      time('created_at'),
    ],
    uniques: [new TableUnique({ name: 'uq_quota_ledger_idempotency_key', columnNames: ['idempotency_key'] })],
    indices: [new TableIndex({ name: 'ix_quota_ledger_user', columnNames: ['user_id', 'created_at'] })],
    checks: [
      new TableCheck({
        name: 'ck_quota_ledger_kind',
        expression: "kind IN ('grant', 'reserve', 'refund', 'expire', 'adjust')",
      }),
      new TableCheck({ name: 'ck_quota_ledger_balance', expression: 'balance_after >= 0' }),
    ],
  }),
  new Table({
    name: 'tasks',
    columns: [
      id(),
      ref('user_id'),
      ref('batch_id'),
      str('type', 32),
      str('status', 16),
      str('input_key', 255),
      text('params'),
      text('result_keys', true),
      str('vendor_task_id', 128, true),
      int('progress', 0),
      str('error_code', 64, true),
      str('error_reason', 512, true),
      time('deadline_at'),
      str('client_key', 160, true),
      str('cache_key', 128, true),
      flag('hidden'),
      flag('favorite'),
      time('dispatched_at', true),
      time('finished_at', true),
      ...stamps(),
    ],
    uniques: [new TableUnique({ name: 'uq_tasks_user_client_key', columnNames: ['user_id', 'client_key'] })],
    indices: [
      new TableIndex({ name: 'ix_tasks_user_created', columnNames: ['user_id', 'created_at'] }),
      new TableIndex({ name: 'ix_tasks_status_deadline', columnNames: ['status', 'deadline_at'] }),
      new TableIndex({ name: 'ix_tasks_batch', columnNames: ['batch_id'] }),
      new TableIndex({ name: 'ix_tasks_cache', columnNames: ['cache_key'] }),
    ],
    checks: [
      new TableCheck({
        name: 'ck_tasks_status',
        expression: "status IN ('queued', 'processing', 'done', 'failed', 'canceled')",
      }),
      new TableCheck({ name: 'ck_tasks_progress', expression: 'progress >= 0 AND progress <= 100' }),
    ],
  }),
  new Table({
    name: 'task_events',
    columns: [id(), ref('task_id'), str('event', 16), text('payload'), str('outcome', 16), time('created_at')],
    indices: [new TableIndex({ name: 'ix_task_events_task', columnNames: ['task_id', 'created_at'] })],
  }),
  new Table({
    name: 'uploads',
    columns: [
      id(),
      ref('user_id'),
      str('storage_key', 255),
      str('sha256', 64),
      int('size'),
      str('mime', 64),
      int('width', 0),
      int('height', 0),
      time('created_at'),
    ],
    uniques: [
      new TableUnique({ name: 'uq_uploads_key', columnNames: ['storage_key'] }),
      new TableUnique({ name: 'uq_uploads_user_sha', columnNames: ['user_id', 'sha256'] }),
    ],
  }),
  new Table({
    name: 'scenes',
    columns: [
      id(),
      str('code', 64),
      str('name', 128),
      str('category', 32),
      text('prompt_fragment'),
      str('thumbnail_key', 255, true),
      { name: 'active', type: 'smallint', default: 1 },
      int('sort', 0),
      ...stamps(),
    ],
    uniques: [new TableUnique({ name: 'uq_scenes_code', columnNames: ['code'] })],
  }),
  new Table({
    name: 'outbox',
    columns: [
      id(),
      str('topic', 64),
      text('payload'),
      int('attempts', 0),
      time('next_attempt_at'),
      str('status', 16),
      text('last_error', true),
      ...stamps(),
    ],
    indices: [new TableIndex({ name: 'ix_outbox_due', columnNames: ['status', 'next_attempt_at'] })],
    checks: [new TableCheck({ name: 'ck_outbox_status', expression: "status IN ('pending', 'sent', 'dead')" })],
  }),
  new Table({
    name: 'settings',
    columns: [{ name: 'key', type: 'varchar', length: '64', isPrimary: true }, text('value'), time('updated_at')],
  }),
  new Table({
    name: 'api_keys',
    columns: [
      id(),
      ref('user_id'),
      str('name', 64),
      str('key_prefix', 16),
      str('key_hash', 128),
      time('last_used_at', true),
      time('revoked_at', true),
      time('created_at'),
    ],
    uniques: [new TableUnique({ name: 'uq_api_keys_hash', columnNames: ['key_hash'] })],
    indices: [new TableIndex({ name: 'ix_api_keys_user', columnNames: ['user_id'] })],
  }),
  new Table({
    name: 'webhook_endpoints',
    columns: [
      id(),
      ref('user_id'),
      str('url', 512),
      str('secret', 128),
      text('events'),
      { name: 'active', type: 'smallint', default: 1 },
      ...stamps(),
    ],
    indices: [new TableIndex({ name: 'ix_webhook_endpoints_user', columnNames: ['user_id'] })],
  }),
];

export class InitialSchema1732230000000 implements MigrationInterface {
  name = 'InitialSchema1732230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === 'mysql';
    for (const table of tables) {
      await queryRunner.createTable(table, true, false, true);
      // TypeORM's MySQL driver skips CHECK constraints; MySQL 8.0.16+ and MariaDB enforce them.
      if (mysql) {
        for (const check of table.checks) {
          await queryRunner.query(
            `ALTER TABLE \`${table.name}\` ADD CONSTRAINT \`${check.name}\` CHECK (${check.expression})`,
          );
        }
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...tables].reverse()) await queryRunner.dropTable(table.name, true);
  }
}
