import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Downloads keep the merchant's names and a retried failure stops offering Retry (issue 15):
 * `uploads.original_name` is the file name the upload came with (cleaned, the latest one for the
 * same bytes), `tasks.input_name` the name of the task's input copied at creation (so a later
 * upload of the same bytes under another name never renames earlier results), and
 * `tasks.retry_of` the failed task a task was created to retry.
 */
export class UploadNamesRetries1732230947311 implements MigrationInterface {
  name = 'UploadNamesRetries1732230947311';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'uploads',
      new TableColumn({ name: 'original_name', type: 'varchar', length: '255', isNullable: true }),
    );
    await queryRunner.addColumns('tasks', [
      new TableColumn({ name: 'input_name', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'retry_of', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await queryRunner.createIndex('tasks', new TableIndex({ name: 'ix_tasks_retry_of', columnNames: ['retry_of'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('tasks', 'ix_tasks_retry_of');
    await queryRunner.dropColumn('tasks', 'retry_of');
    await queryRunner.dropColumn('tasks', 'input_name');
    await queryRunner.dropColumn('uploads', 'original_name');
  }
}
