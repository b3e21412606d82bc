import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A pending order remembers how it is paid (`scene`) and what the channel answered (`pay_params`,
 * JSON: the QR code, the cashier URL …), so a merchant who reloads the page or clicks "buy" again
 * resumes the same order instead of opening a new one each time (payments.service `purchase`).
 */
export class OrderResume1732230810000 implements MigrationInterface {
  name = 'OrderResume1732230810000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('orders', [
      new TableColumn({ name: 'scene', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'pay_params', type: 'text', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('orders', 'pay_params');
    await queryRunner.dropColumn('orders', 'scene');
  }
}
