import { Table, TableCheck, TableIndex, TableUnique, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Merchant webhook deliveries (modules/automation): one row per (endpoint, event), written in
 * the same transaction as the task's terminal change and sent afterwards by a worker with
 * leases and backoff, like the dispatch outbox. The unique (endpoint, event) pair is what
 * makes a delivery happen at most once per endpoint whatever enqueues it twice.
 */
const table = new Table({
  name: 'webhook_deliveries',
  columns: [
    { name: 'id', type: 'varchar', length: '36', isPrimary: true },
    { name: 'endpoint_id', type: 'varchar', length: '36' },
    { name: 'user_id', type: 'varchar', length: '36' },
    { name: 'event_id', type: 'varchar', length: '36' },
    { name: 'event_type', type: 'varchar', length: '32' },
    { name: 'task_id', type: 'varchar', length: '36', isNullable: true },
    { name: 'status', type: 'varchar', length: '16' },
    { name: 'attempts', type: 'int', default: 0 },
    { name: 'next_attempt_at', type: 'datetime', precision: 3 },
    { name: 'last_status_code', type: 'int', isNullable: true },
    { name: 'last_error', type: 'text', isNullable: true },
    { name: 'delivered_at', type: 'datetime', precision: 3, isNullable: true },
    { name: 'created_at', type: 'datetime', precision: 3 },
    { name: 'updated_at', type: 'datetime', precision: 3 },
  ],
  uniques: [new TableUnique({ name: 'uq_webhook_deliveries_event', columnNames: ['endpoint_id', 'event_id'] })],
  indices: [
    new TableIndex({ name: 'ix_webhook_deliveries_due', columnNames: ['status', 'next_attempt_at'] }),
    new TableIndex({ name: 'ix_webhook_deliveries_endpoint', columnNames: ['endpoint_id', 'created_at'] }),
  ],
  checks: [
    new TableCheck({
      name: 'ck_webhook_deliveries_status',
      expression: "status IN ('pending', 'delivered', 'failed')",
    }),
  ],
});

export class WebhookDeliveries1732230300000 implements MigrationInterface {
  name = 'WebhookDeliveries1732230300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(table, true, false, true);
    // TypeORM's MySQL driver skips CHECK constraints (see the initial schema).
    if (queryRunner.connection.options.type === 'mysql') {
      for (const check of table.checks)
        await queryRunner.query(
          `ALTER TABLE \`${table.name}\` ADD CONSTRAINT \`${check.name}\` CHECK (${check.expression})`,
        );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(table.name, true);
  }
}
