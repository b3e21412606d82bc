import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The result cache's lookup (`WHERE user_id = ? AND cache_key = ? AND status = 'done' ORDER BY
 * created_at DESC LIMIT 1`, once per image of a create) had only `ix_tasks_cache (cache_key)` and
 * `ix_tasks_status_deadline (status, deadline_at)` to choose from; SQLite (no statistics) and an
 * empty MariaDB chose `status = 'done'`, i.e. every finished task of every merchant, sorted. With
 * 10,000 finished tasks a create of 50 images took over 30 s on SQLite. The merchant's own key,
 * newest first, is one index range; the lone `cache_key` index is left with nothing to serve.
 */
export class TaskResultCacheIndex1732231020000 implements MigrationInterface {
  name = 'TaskResultCacheIndex1732231020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'tasks',
      new TableIndex({ name: 'ix_tasks_user_cache', columnNames: ['user_id', 'cache_key', 'created_at'] }),
    );
    await queryRunner.dropIndex('tasks', 'ix_tasks_cache');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('tasks', new TableIndex({ name: 'ix_tasks_cache', columnNames: ['cache_key'] }));
    await queryRunner.dropIndex('tasks', 'ix_tasks_user_cache');
  }
}
