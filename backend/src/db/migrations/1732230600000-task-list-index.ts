import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The merchant's task list (`WHERE user_id = ? AND hidden = 0 ORDER BY created_at DESC, id DESC`,
 * a cursor page adding `created_at <= ?`) reads one index range in order: `hidden` and `id` join
 * the index, so neither a hidden flag nor a tie on `created_at` sends the database to the rows or
 * to a sort. Replaces `ix_tasks_user_created`, which it covers (created first: MySQL keeps an
 * index on `user_id` for the foreign key).
 */
export class TaskListIndex1732230600000 implements MigrationInterface {
  name = 'TaskListIndex1732230600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'tasks',
      new TableIndex({ name: 'ix_tasks_user_list', columnNames: ['user_id', 'hidden', 'created_at', 'id'] }),
    );
    await queryRunner.dropIndex('tasks', 'ix_tasks_user_created');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'tasks',
      new TableIndex({ name: 'ix_tasks_user_created', columnNames: ['user_id', 'created_at'] }),
    );
    await queryRunner.dropIndex('tasks', 'ix_tasks_user_list');
  }
}
