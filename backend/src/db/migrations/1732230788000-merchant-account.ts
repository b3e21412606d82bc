import { Table, TableColumn, TableUnique, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The merchant's account (docs/identity.md): a profile (`users.avatar_key`), sign-out everywhere
 * (`users.token_version`: a merchant token carries the version it was issued under and is refused
 * once the version moved on), SMS codes for more than login (`verification_codes.purpose`: a code
 * texted to confirm a phone change cannot sign in, and the other way round), WeChat sign-in
 * (`wechat_identities`: one row per WeChat user, linked to exactly one phone account, keyed by
 * unionid and by the openid of each of our apps) and the WeChat identity an invite reward went to
 * (`invite_rewards.invitee_wechat`, unique like the phone, so one WeChat user is rewarded once).
 */
const identities = new Table({
  name: 'wechat_identities',
  columns: [
    { name: 'id', type: 'varchar', length: '36', isPrimary: true },
    { name: 'user_id', type: 'varchar', length: '36' },
    { name: 'unionid', type: 'varchar', length: '64', isNullable: true },
    { name: 'web_openid', type: 'varchar', length: '64', isNullable: true },
    { name: 'mini_openid', type: 'varchar', length: '64', isNullable: true },
    { name: 'nickname', type: 'varchar', length: '64', isNullable: true },
    { name: 'avatar_url', type: 'varchar', length: '512', isNullable: true },
    { name: 'created_at', type: 'datetime', precision: 3 },
    { name: 'updated_at', type: 'datetime', precision: 3 },
  ],
  uniques: [
    new TableUnique({ name: 'uq_wechat_identities_user', columnNames: ['user_id'] }),
    new TableUnique({ name: 'uq_wechat_identities_unionid', columnNames: ['unionid'] }),
    new TableUnique({ name: 'uq_wechat_identities_web_openid', columnNames: ['web_openid'] }),
    new TableUnique({ name: 'uq_wechat_identities_mini_openid', columnNames: ['mini_openid'] }),
  ],
});

export class MerchantAccount1732230788000 implements MigrationInterface {
  name = 'MerchantAccount1732230788000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(identities, true, false, true);
    if (queryRunner.connection.options.type === 'mysql') {
      // One ALTER per table: each ALTER rebuilds the table on MySQL.
      await queryRunner.query(
        'ALTER TABLE `users` ADD `avatar_key` varchar(128) NULL, ADD `token_version` int NOT NULL DEFAULT 0',
      );
      await queryRunner.query("ALTER TABLE `verification_codes` ADD `purpose` varchar(16) NOT NULL DEFAULT 'login'");
      await queryRunner.query(
        'ALTER TABLE `invite_rewards` ADD `invitee_wechat` varchar(80) NULL, ADD UNIQUE INDEX `uq_invite_rewards_wechat` (`invitee_wechat`)',
      );
      return;
    }
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'avatar_key', type: 'varchar', length: '128', isNullable: true }),
      new TableColumn({ name: 'token_version', type: 'int', default: 0 }),
    ]);
    await queryRunner.addColumn(
      'verification_codes',
      new TableColumn({ name: 'purpose', type: 'varchar', length: '16', default: "'login'" }),
    );
    await queryRunner.addColumn(
      'invite_rewards',
      new TableColumn({ name: 'invitee_wechat', type: 'varchar', length: '80', isNullable: true }),
    );
    await queryRunner.createUniqueConstraint(
      'invite_rewards',
      new TableUnique({ name: 'uq_invite_rewards_wechat', columnNames: ['invitee_wechat'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query(
        'ALTER TABLE `invite_rewards` DROP INDEX `uq_invite_rewards_wechat`, DROP `invitee_wechat`',
      );
    } else {
      await queryRunner.dropUniqueConstraint('invite_rewards', 'uq_invite_rewards_wechat');
      await queryRunner.dropColumn('invite_rewards', 'invitee_wechat');
    }
    await queryRunner.dropColumn('verification_codes', 'purpose');
    await queryRunner.dropColumns('users', ['avatar_key', 'token_version']);
    await queryRunner.dropTable(identities.name, true);
  }
}
