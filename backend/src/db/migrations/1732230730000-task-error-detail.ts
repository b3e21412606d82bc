import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Failed tasks keep the vendor's own words for admins only (`tasks.error_detail`); merchants see
 * a stable code and message (modules/tasks/task-failure.ts). Tasks that failed before this change
 * carried the vendor text in `error_reason`: it moves into `error_detail` (with the code), and
 * the merchant-facing code and message are written as the settlement now writes them. The
 * messages are copied here on purpose: a migration must not change when the code does.
 */
const MESSAGES: Record<string, string> = {
  VENDOR_FAILED: 'The image could not be processed; try a clearer photo. The credit was refunded',
  TIMEOUT: 'The generation took too long; the credit was refunded',
  INVALID_RESULT: 'The result was not usable; the credit was refunded',
};
const GENERATION_FAILED = 'The generation failed; the credit was refunded';

export class TaskErrorDetail1732230730000 implements MigrationInterface {
  name = 'TaskErrorDetail1732230730000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('tasks', new TableColumn({ name: 'error_detail', type: 'text', isNullable: true }));
    const mysql = queryRunner.connection.options.type !== 'better-sqlite3';
    const detail = mysql
      ? "CONCAT(COALESCE(error_code, ''), ': ', COALESCE(error_reason, ''))"
      : "COALESCE(error_code, '') || ': ' || COALESCE(error_reason, '')";
    const known = Object.keys(MESSAGES);
    const placeholders = known.map(() => '?').join(', ');
    // MySQL applies SET assignments left to right (later ones see new values), SQLite all at once:
    // error_detail reads the old columns first; code and message are the same either way.
    await queryRunner.query(
      `UPDATE tasks SET
         error_detail = ${detail},
         error_code = CASE WHEN error_code IN (${placeholders}) THEN error_code ELSE 'GENERATION_FAILED' END,
         error_reason = CASE ${known.map(() => 'WHEN error_code = ? THEN ?').join(' ')} ELSE ? END
       WHERE status = 'failed' AND error_detail IS NULL`,
      [...known, ...known.flatMap((code) => [code, MESSAGES[code]]), GENERATION_FAILED],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The merchant-facing texts stay; the raw ones go with the column.
    await queryRunner.dropColumn('tasks', 'error_detail');
  }
}
