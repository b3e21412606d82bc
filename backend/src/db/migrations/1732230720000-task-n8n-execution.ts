import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The n8n execution that works on a task, as its first callback names it: the console links the
 * task to it, and canceling the task stops it (docs/architecture.md §5).
 */
export class TaskN8nExecution1732230720000 implements MigrationInterface {
  name = 'TaskN8nExecution1732230720000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('tasks', [
      new TableColumn({ name: 'n8n_execution_id', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'n8n_workflow_id', type: 'varchar', length: '64', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('tasks', 'n8n_workflow_id');
    await queryRunner.dropColumn('tasks', 'n8n_execution_id');
  }
}
