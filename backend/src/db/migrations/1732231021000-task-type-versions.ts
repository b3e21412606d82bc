import { createHash } from 'node:crypto';
import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { toDbTime } from '../time';

/**
 * Each task froze the whole definition of its type in `tasks.type_def` (kilobytes of JSON per
 * row), so every read of a task — a history page of twenty included — carried it. Each distinct
 * definition is now stored once in `task_type_versions`, keyed by the SHA-256 of its JSON text,
 * and a task names the version it was created with (`tasks.type_version`). The text is copied
 * byte for byte, so every task keeps exactly the definition it had; rows are never changed or
 * deleted (a new definition is a new row), so a hash always means the same text.
 */
const table = new Table({
  name: 'task_type_versions',
  columns: [
    { name: 'hash', type: 'varchar', length: '64', isPrimary: true },
    { name: 'type', type: 'varchar', length: '32' },
    { name: 'definition', type: 'text' },
    { name: 'created_at', type: 'datetime', precision: 3 },
  ],
});

/** Tasks are read and pointed at their versions this many at a time. */
const CHUNK = 500;

export class TaskTypeVersions1732231021000 implements MigrationInterface {
  name = 'TaskTypeVersions1732231021000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(table, true);
    await queryRunner.addColumn(
      'tasks',
      new TableColumn({ name: 'type_version', type: 'varchar', length: '64', isNullable: true }),
    );
    const now = toDbTime(new Date());
    const stored = new Set<string>();
    // By id, not by `DISTINCT type_def`: MySQL compares text under its collation (case and accents
    // ignored), which could merge two definitions that differ only there. Here the bytes decide.
    for (;;) {
      const batch = (await queryRunner.query(
        `SELECT id, type, type_def FROM tasks WHERE type_def IS NOT NULL AND type_version IS NULL ORDER BY id LIMIT ${CHUNK}`,
      )) as Array<{ id: string; type: string; type_def: string }>;
      if (!batch.length) break;
      const byHash = new Map<string, string[]>();
      for (const row of batch) {
        const hash = createHash('sha256').update(row.type_def).digest('hex');
        if (!stored.has(hash)) {
          await queryRunner.query(
            'INSERT INTO task_type_versions (hash, type, definition, created_at) VALUES (?, ?, ?, ?)',
            [hash, row.type, row.type_def, now],
          );
          stored.add(hash);
        }
        const ids = byHash.get(hash);
        if (ids) ids.push(row.id);
        else byHash.set(hash, [row.id]);
      }
      for (const [hash, ids] of byHash) {
        await queryRunner.query(`UPDATE tasks SET type_version = ? WHERE id IN (${ids.map(() => '?').join(', ')})`, [
          hash,
          ...ids,
        ]);
      }
    }
    // Plain ALTER on both (SQLite ≥ 3.35 drops an unindexed column in place).
    await queryRunner.query('ALTER TABLE tasks DROP COLUMN type_def');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE tasks ADD COLUMN type_def text NULL');
    await queryRunner.query(
      'UPDATE tasks SET type_def = (SELECT v.definition FROM task_type_versions v WHERE v.hash = tasks.type_version)',
    );
    await queryRunner.query('ALTER TABLE tasks DROP COLUMN type_version');
    await queryRunner.dropTable(table.name, true);
  }
}
