import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { toDbTime } from '../time';

interface SeedEntry {
  code: string;
  name: string;
  category: 'scene' | 'garment';
  fragment: string;
  sort: number;
}

/**
 * The starting catalog of docs/architecture.md §9: four scenes and the garment categories. Operators
 * edit it afterwards in the admin console, so this only inserts codes that are missing and
 * never overwrites an edited row. Fragments are written for an image model (English), names
 * for merchants.
 */
const CATALOG: SeedEntry[] = [
  {
    code: 'street',
    name: '街拍',
    category: 'scene',
    sort: 10,
    fragment: 'urban street background, city sidewalk, natural daylight',
  },
  {
    code: 'studio',
    name: '影棚',
    category: 'scene',
    sort: 20,
    fragment: 'professional photo studio, clean white background, soft even studio lighting',
  },
  { code: 'indoor', name: '室内', category: 'scene', sort: 30, fragment: 'cozy indoor living room, warm light' },
  {
    code: 'garden',
    name: '花园',
    category: 'scene',
    sort: 40,
    fragment: 'outdoor garden with greenery, natural light',
  },
  {
    code: 'tshirt',
    name: 'T恤',
    category: 'garment',
    sort: 10,
    fragment: 'model wearing the t-shirt from the reference image, same color, print and fit',
  },
  {
    code: 'hoodie',
    name: '卫衣',
    category: 'garment',
    sort: 20,
    fragment: 'model wearing the hoodie from the reference image, same color, fabric and details',
  },
  {
    code: 'shirt',
    name: '衬衫',
    category: 'garment',
    sort: 30,
    fragment: 'model wearing the shirt from the reference image, same collar, color and pattern',
  },
  {
    code: 'dress',
    name: '连衣裙',
    category: 'garment',
    sort: 40,
    fragment: 'model wearing the dress from the reference image, full-length view, same cut and pattern',
  },
  {
    code: 'skirt',
    name: '半身裙',
    category: 'garment',
    sort: 50,
    fragment: 'model wearing the skirt from the reference image, same length, color and pattern',
  },
  {
    code: 'pants',
    name: '裤子',
    category: 'garment',
    sort: 60,
    fragment: 'model wearing the pants from the reference image, full-length view, same fit and color',
  },
  {
    code: 'coat',
    name: '外套',
    category: 'garment',
    sort: 70,
    fragment: 'model wearing the coat from the reference image, same length, color and texture',
  },
  {
    code: 'shoes',
    name: '鞋子',
    category: 'garment',
    sort: 80,
    fragment:
      'model wearing the shoes from the reference image, shoes clearly visible, full body with focus on the feet',
  },
];

export class SeedSceneCatalog1732230100000 implements MigrationInterface {
  name = 'SeedSceneCatalog1732230100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const now = toDbTime(new Date());
    for (const entry of CATALOG) {
      const existing = (await queryRunner.query('SELECT id FROM scenes WHERE code = ?', [entry.code])) as unknown[];
      if (existing.length) continue;
      await queryRunner.query(
        'INSERT INTO scenes (id, code, name, category, prompt_fragment, thumbnail_key, active, sort, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, 1, ?, ?, ?)',
        [randomUUID(), entry.code, entry.name, entry.category, entry.fragment, entry.sort, now, now],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const entry of CATALOG) await queryRunner.query('DELETE FROM scenes WHERE code = ?', [entry.code]);
  }
}
