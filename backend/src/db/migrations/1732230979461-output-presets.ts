import type { MigrationInterface, QueryRunner } from 'typeorm';
import { toDbTime } from '../time';

/**
 * Output presets for the white main image (issue 15, item 4): basic_clean gets three optional
 * parameters the merchant picks at creation and the workflow hands to the Tencent CI node —
 * `preset` (`<name>_<W>x<H>`: the size is read from the value, `transparent…` gives a PNG with
 * alpha), `margin` (percent of the shorter side) and `background` (`#RRGGBB` behind the product
 * in a JPEG). Operators add presets or colours as options in the console, no code. The defaults
 * give exactly the output basic_clean had before (800×800 JPEG on white, no margin). Values are
 * copied here on purpose; parameters an operator already declared under these names are kept.
 */
const PARAMS = [
  {
    name: 'preset',
    kind: 'choice',
    label: { zh: '输出规格', en: 'Output preset' },
    required: false,
    options: [
      { value: 'taobao_800x800', label: { zh: '淘宝/天猫 800×800', en: 'Taobao/Tmall 800×800' } },
      { value: 'jd_800x800', label: { zh: '京东 800×800', en: 'JD 800×800' } },
      { value: 'pdd_750x1000', label: { zh: '拼多多 750×1000', en: 'Pinduoduo 750×1000' } },
      { value: 'square_1000x1000', label: { zh: '1:1 方图 1000×1000', en: '1:1 square 1000×1000' } },
      { value: 'portrait_900x1200', label: { zh: '3:4 竖图 900×1200', en: '3:4 portrait 900×1200' } },
      { value: 'transparent_800x800', label: { zh: '透明 PNG 800×800', en: 'Transparent PNG 800×800' } },
    ],
    default: 'taobao_800x800',
  },
  {
    name: 'margin',
    kind: 'choice',
    label: { zh: '留白', en: 'Margin' },
    required: false,
    options: [
      { value: '0', label: { zh: '不留白', en: 'No margin' } },
      { value: '5', label: { zh: '留白 5%', en: '5% margin' } },
      { value: '10', label: { zh: '留白 10%', en: '10% margin' } },
      { value: '15', label: { zh: '留白 15%', en: '15% margin' } },
    ],
    default: '0',
  },
  {
    name: 'background',
    kind: 'choice',
    label: { zh: '底色', en: 'Background' },
    required: false,
    options: [
      { value: '#FFFFFF', label: { zh: '白底', en: 'White background' } },
      { value: '#F5F5F5', label: { zh: '浅灰底', en: 'Light grey background' } },
      { value: '#F3EDE4', label: { zh: '米色底', en: 'Beige background' } },
      { value: '#000000', label: { zh: '黑底', en: 'Black background' } },
    ],
    default: '#FFFFFF',
  },
];

const OLD_DESCRIPTION = { zh: '自动抠图，800×800 白底', en: 'Cut out, 800×800 on white' };
const NEW_DESCRIPTION = {
  zh: '自动抠图：淘宝/京东/拼多多尺寸、透明 PNG，可选留白与底色',
  en: 'Cut out for Taobao, JD or Pinduoduo sizes, or a transparent PNG; margin and background optional',
};

interface Row {
  params: string;
  description_zh: string;
  description_en: string;
}

export class OutputPresets1732230979461 implements MigrationInterface {
  name = 'OutputPresets1732230979461';

  async up(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(
      "SELECT params, description_zh, description_en FROM task_types WHERE code = 'basic_clean'",
    )) as Row[];
    if (!rows.length) return;
    const params = JSON.parse(rows[0].params) as Array<{ name: string }>;
    const names = new Set(params.map((p) => p.name));
    const merged = [...params, ...PARAMS.filter((p) => !names.has(p.name))];
    // An operator's own description stays; the seeded one now tells what can be chosen.
    const seeded = rows[0].description_zh === OLD_DESCRIPTION.zh && rows[0].description_en === OLD_DESCRIPTION.en;
    const description = seeded ? NEW_DESCRIPTION : { zh: rows[0].description_zh, en: rows[0].description_en };
    await queryRunner.query(
      "UPDATE task_types SET params = ?, description_zh = ?, description_en = ?, updated_at = ? WHERE code = 'basic_clean'",
      [JSON.stringify(merged), description.zh, description.en, toDbTime(new Date())],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(
      "SELECT params, description_zh, description_en FROM task_types WHERE code = 'basic_clean'",
    )) as Row[];
    if (!rows.length) return;
    const ours = new Set(PARAMS.map((p) => p.name));
    const params = (JSON.parse(rows[0].params) as Array<{ name: string }>).filter((p) => !ours.has(p.name));
    const seeded = rows[0].description_zh === NEW_DESCRIPTION.zh && rows[0].description_en === NEW_DESCRIPTION.en;
    const description = seeded ? OLD_DESCRIPTION : { zh: rows[0].description_zh, en: rows[0].description_en };
    // Tasks already created keep their frozen definition (`tasks.type_def`).
    await queryRunner.query(
      "UPDATE task_types SET params = ?, description_zh = ?, description_en = ?, updated_at = ? WHERE code = 'basic_clean'",
      [JSON.stringify(params), description.zh, description.en, toDbTime(new Date())],
    );
  }
}
