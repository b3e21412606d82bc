import { randomUUID } from 'node:crypto';
import {
  Table,
  TableCheck,
  TableColumn,
  TableIndex,
  TableUnique,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { toDbTime } from '../time';

/**
 * The credits model (membership/README.md, "Credit lots"): every credit belongs to a lot with its
 * own expiry (`expires_at` NULL = it lasts as long as the membership), tasks record which lots
 * they took from (`credit_allocations`, so a refund returns there), credit packs sold beside the
 * membership, invite codes and the at-most-once record of invite rewards. Orders of a pack keep
 * what was sold (`pack_id`, `item_name`, `credits`). Existing balances become one opening lot each.
 */
const id = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
const ref = (name: string, isNullable = false) => ({ name, type: 'varchar', length: '36', isNullable });
const time = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });

const tables = [
  new Table({
    name: 'credit_lots',
    columns: [
      id,
      ref('user_id'),
      { name: 'source', type: 'varchar', length: '16' },
      { name: 'ledger_key', type: 'varchar', length: '128' },
      { name: 'amount', type: 'int' },
      { name: 'remaining', type: 'int' },
      time('expires_at', true),
      time('expired_at', true),
      time('created_at'),
    ],
    uniques: [new TableUnique({ name: 'uq_credit_lots_ledger_key', columnNames: ['ledger_key'] })],
    indices: [new TableIndex({ name: 'ix_credit_lots_user', columnNames: ['user_id', 'expired_at'] })],
    checks: [
      new TableCheck({ name: 'ck_credit_lots_remaining', expression: 'remaining >= 0 AND remaining <= amount' }),
    ],
  }),
  new Table({
    name: 'credit_allocations',
    columns: [id, ref('task_id'), ref('lot_id'), { name: 'amount', type: 'int' }, time('created_at')],
    uniques: [new TableUnique({ name: 'uq_credit_allocations_task_lot', columnNames: ['task_id', 'lot_id'] })],
    checks: [new TableCheck({ name: 'ck_credit_allocations_amount', expression: 'amount > 0' })],
  }),
  new Table({
    name: 'credit_packs',
    columns: [
      id,
      { name: 'name', type: 'varchar', length: '64' },
      { name: 'credits', type: 'int' },
      { name: 'price_fen', type: 'int' },
      { name: 'active', type: 'smallint', default: 1 },
      { name: 'sort', type: 'int', default: 0 },
      time('created_at'),
      time('updated_at'),
    ],
    uniques: [new TableUnique({ name: 'uq_credit_packs_name', columnNames: ['name'] })],
    checks: [new TableCheck({ name: 'ck_credit_packs_values', expression: 'credits > 0 AND price_fen > 0' })],
  }),
  new Table({
    name: 'invite_rewards',
    columns: [
      id,
      ref('inviter_id'),
      ref('invitee_id'),
      { name: 'invitee_phone', type: 'varchar', length: '20' },
      ref('order_id'),
      time('created_at'),
    ],
    uniques: [
      new TableUnique({ name: 'uq_invite_rewards_invitee', columnNames: ['invitee_id'] }),
      new TableUnique({ name: 'uq_invite_rewards_phone', columnNames: ['invitee_phone'] }),
    ],
    indices: [new TableIndex({ name: 'ix_invite_rewards_inviter', columnNames: ['inviter_id'] })],
  }),
];

export class CreditLots1732230610000 implements MigrationInterface {
  name = 'CreditLots1732230610000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === 'mysql';
    for (const table of tables) {
      await queryRunner.createTable(table, true, false, true);
      // TypeORM's MySQL driver skips CHECK constraints (see the initial schema).
      if (mysql)
        for (const check of table.checks)
          await queryRunner.query(
            `ALTER TABLE \`${table.name}\` ADD CONSTRAINT \`${check.name}\` CHECK (${check.expression})`,
          );
    }
    const userColumns = [
      new TableColumn({ name: 'invite_code', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'invited_by', type: 'varchar', length: '36', isNullable: true }),
    ];
    const orderColumns = [
      new TableColumn({ name: 'pack_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'item_name', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'credits', type: 'int', isNullable: true }),
    ];
    if (mysql) {
      // One ALTER per table: each ALTER rebuilds the table on MySQL, and test databases are made often.
      await queryRunner.query(
        'ALTER TABLE `users` ADD `invite_code` varchar(16) NULL, ADD `invited_by` varchar(36) NULL, ADD UNIQUE INDEX `uq_users_invite_code` (`invite_code`)',
      );
      await queryRunner.query(
        'ALTER TABLE `orders` ADD `pack_id` varchar(36) NULL, ADD `item_name` varchar(64) NULL, ADD `credits` int NULL',
      );
    } else {
      await queryRunner.addColumns('users', userColumns);
      await queryRunner.createIndex(
        'users',
        new TableIndex({ name: 'uq_users_invite_code', columnNames: ['invite_code'], isUnique: true }),
      );
      await queryRunner.addColumns('orders', orderColumns);
    }
    // Credits granted before lots existed lasted as long as the membership: one such lot each.
    const now = toDbTime(new Date());
    const holders = (await queryRunner.query(
      'SELECT id, quota_remaining FROM users WHERE quota_remaining > 0',
    )) as Array<{
      id: string;
      quota_remaining: number | string;
    }>;
    for (const u of holders) {
      const n = Number(u.quota_remaining);
      await queryRunner.query(
        "INSERT INTO credit_lots (id, user_id, source, ledger_key, amount, remaining, expires_at, expired_at, created_at) VALUES (?, ?, 'opening', ?, ?, ?, NULL, NULL, ?)",
        [randomUUID(), u.id, `opening:${u.id}`, n, n, now],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('orders', ['pack_id', 'item_name', 'credits']);
    await queryRunner.dropIndex('users', 'uq_users_invite_code');
    await queryRunner.dropColumns('users', ['invite_code', 'invited_by']);
    for (const table of [...tables].reverse()) await queryRunner.dropTable(table.name, true);
  }
}
