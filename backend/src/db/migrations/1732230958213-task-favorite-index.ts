import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The history's favourites filter (`WHERE user_id = ? AND hidden = 0 AND favorite = 1 ORDER BY
 * created_at DESC, id DESC`, with an optional date range and the cursor on `created_at`) reads one
 * index range in order, like the unfiltered list does with `ix_tasks_user_list`: without it a
 * merchant with few favourites among many tasks would have every task read to find them.
 */
export class TaskFavoriteIndex1732230958213 implements MigrationInterface {
  name = 'TaskFavoriteIndex1732230958213';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'tasks',
      new TableIndex({
        name: 'ix_tasks_user_favorite',
        columnNames: ['user_id', 'hidden', 'favorite', 'created_at', 'id'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('tasks', 'ix_tasks_user_favorite');
  }
}
