import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Webhook endpoints registered with an API key (the n8n "AI Photo Trigger (events)" node does
 * this on activation) remember that key: the key sees and removes only its own endpoints, and
 * revoking the key removes them. Endpoints made in the portal keep NULL.
 */
export class WebhookEndpointsApiKey1732230400000 implements MigrationInterface {
  name = 'WebhookEndpointsApiKey1732230400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'webhook_endpoints',
      new TableColumn({ name: 'api_key_id', type: 'varchar', length: '36', isNullable: true }),
    );
    await queryRunner.createIndex(
      'webhook_endpoints',
      new TableIndex({ name: 'ix_webhook_endpoints_api_key', columnNames: ['api_key_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_endpoints', 'ix_webhook_endpoints_api_key');
    await queryRunner.dropColumn('webhook_endpoints', 'api_key_id');
  }
}
