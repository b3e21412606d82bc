import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Console accounts can be switched off without deleting them: a set `disabled_at` refuses the
 * sign-in and every token of the account (the id stays, so ledger rows keep naming who adjusted).
 */
export class AdminUsersDisabledAt1732230200000 implements MigrationInterface {
  name = 'AdminUsersDisabledAt1732230200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'admin_users',
      new TableColumn({ name: 'disabled_at', type: 'datetime', precision: 3, isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('admin_users', 'disabled_at');
  }
}
