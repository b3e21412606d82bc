import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Scenes and garment categories get an English name (`scenes.name_en`) so the portal's English
 * UI shows English names. The seeded entries get theirs; an entry an operator added keeps
 * NULL until named (the portal then shows its Chinese name). The names are copied here on
 * purpose: a migration must not change when the seed does.
 */
const NAMES: Record<string, string> = {
  street: 'Street',
  studio: 'Studio',
  indoor: 'Indoor',
  garden: 'Garden',
  tshirt: 'T-shirt',
  hoodie: 'Hoodie',
  shirt: 'Shirt',
  dress: 'Dress',
  skirt: 'Skirt',
  pants: 'Trousers',
  coat: 'Coat',
  shoes: 'Shoes',
};

export class SceneNameEn1732230800000 implements MigrationInterface {
  name = 'SceneNameEn1732230800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'scenes',
      new TableColumn({ name: 'name_en', type: 'varchar', length: '128', isNullable: true }),
    );
    for (const [code, name] of Object.entries(NAMES))
      await queryRunner.query('UPDATE scenes SET name_en = ? WHERE code = ? AND name_en IS NULL', [name, code]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('scenes', 'name_en');
  }
}
