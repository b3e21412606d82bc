import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { toDbTime } from '../time';
import { insertTaskTypeSeed } from './task-type-seed';

/**
 * Two products that are nothing but a workflow and a row (issue 12): `fitting` (virtual try-on,
 * 试衣: workflows/fitting.json) and `travel` (旅行照片: workflows/travel.json), plus the travel
 * scenes the latter picks from. Values are copied here on purpose: a migration must not change
 * when anything else does. A row or scene code an operator already created is left alone; `down`
 * removes the two rows and the four scenes by code (tasks keep their frozen definitions).
 */

const count = (n: number) => ({ value: String(n), label: { zh: `${n} 张`, en: n === 1 ? '1 image' : `${n} images` } });

const TYPES = [
  {
    code: 'fitting',
    name: { zh: '虚拟试衣', en: 'Virtual try-on' },
    description: {
      zh: '上传服装图和模特照，生成模特穿上这件衣服的照片（1–4 张）',
      en: 'Upload a garment and a model photo: the model wearing the garment (1–4 images)',
    },
    webhookPath: 'aiphoto-fitting',
    credits: 1,
    deadlineSeconds: 600,
    inputs: [
      { name: 'garment', kind: 'image', label: { zh: '服装图', en: 'Garment photo' } },
      { name: 'model', kind: 'image', label: { zh: '模特照', en: 'Model photo' } },
    ],
    params: [
      {
        name: 'count',
        kind: 'choice',
        label: { zh: '张数', en: 'Images' },
        required: false,
        options: [1, 2, 3, 4].map(count),
        default: '1',
      },
    ],
    outputs: 4,
    cacheable: false,
    sort: 40,
    promptTemplate: null,
  },
  {
    code: 'travel',
    name: { zh: '旅行照片', en: 'Travel photos' },
    description: {
      zh: 'AI 模特穿着您的服装，在您选的旅行目的地拍摄',
      en: 'An AI model wearing your garment at the travel destination you choose',
    },
    webhookPath: 'aiphoto-travel',
    credits: 1,
    deadlineSeconds: 600,
    inputs: [{ name: 'garment', kind: 'image', label: { zh: '服装图', en: 'Garment photo' } }],
    params: [
      { name: 'scene', kind: 'scene', label: { zh: '目的地', en: 'Destination' }, required: true },
      {
        name: 'count',
        kind: 'choice',
        label: { zh: '张数', en: 'Images' },
        required: false,
        options: [2, 4, 6].map(count),
        default: '4',
      },
    ],
    outputs: 6,
    cacheable: false,
    sort: 50,
    promptTemplate:
      'travel photo, {scene}, a fashion model wearing the garment from the reference image, same color, fabric and details, candid full-body shot, natural light, high resolution',
  },
];

/** Travel destinations for the scene catalog (category `scene`, after the four backdrops, before sort 50). */
const TRAVEL_SCENES = [
  {
    code: 'seaside',
    name: '海边度假',
    nameEn: 'Seaside holiday',
    sort: 42,
    fragment: 'tropical beach with turquoise sea and palm trees, bright sunshine',
  },
  {
    code: 'old_town',
    name: '古镇',
    nameEn: 'Old water town',
    sort: 44,
    fragment: 'historic Chinese water town with stone bridges and canals, soft daylight',
  },
  {
    code: 'snow_mountain',
    name: '雪山',
    nameEn: 'Snowy mountains',
    sort: 46,
    fragment: 'snowy alpine mountains and a wooden chalet, crisp clear sky',
  },
  {
    code: 'city_landmark',
    name: '城市地标',
    nameEn: 'City landmark',
    sort: 48,
    fragment: 'historic European city square with old architecture, golden hour',
  },
];

export class FittingTravelTypes1732230861000 implements MigrationInterface {
  name = 'FittingTravelTypes1732230861000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const now = toDbTime(new Date());
    const hasNameEn = await queryRunner.hasColumn('scenes', 'name_en');
    for (const scene of TRAVEL_SCENES) {
      const existing = (await queryRunner.query('SELECT id FROM scenes WHERE code = ?', [scene.code])) as unknown[];
      if (existing.length) continue;
      await queryRunner.query(
        'INSERT INTO scenes (id, code, name, category, prompt_fragment, thumbnail_key, active, sort, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, 1, ?, ?, ?)',
        [randomUUID(), scene.code, scene.name, 'scene', scene.fragment, scene.sort, now, now],
      );
      // The English name exists once the catalog has the column (a migration of its own).
      if (hasNameEn)
        await queryRunner.query('UPDATE scenes SET name_en = ? WHERE code = ?', [scene.nameEn, scene.code]);
    }
    for (const t of TYPES) {
      const existing = (await queryRunner.query('SELECT code FROM task_types WHERE code = ?', [t.code])) as unknown[];
      if (existing.length) continue;
      await insertTaskTypeSeed(queryRunner, t, now);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Tasks already created keep their frozen definition (`tasks.type_def`); only the rows go.
    for (const t of TYPES) await queryRunner.query('DELETE FROM task_types WHERE code = ?', [t.code]);
    for (const scene of TRAVEL_SCENES) await queryRunner.query('DELETE FROM scenes WHERE code = ?', [scene.code]);
  }
}
