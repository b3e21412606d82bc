import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { toDbTime } from '../time';
import { insertTaskTypeSeed } from './task-type-seed';

/**
 * Task types become data (docs/DEVELOPMENT.md, "Task types"): the `task_types` table holds what
 * used to be the closed list in code, and each task freezes the definition it was created with
 * (`tasks.type_def`) plus every input slot's key (`tasks.inputs`), so editing or disabling a
 * type never changes a task that already exists. The two original types are seeded with the
 * values they had in code; a deadline an admin had overridden in `settings` moves into its row.
 */
const table = new Table({
  name: 'task_types',
  columns: [
    { name: 'code', type: 'varchar', length: '32', isPrimary: true },
    { name: 'name_zh', type: 'varchar', length: '64' },
    { name: 'name_en', type: 'varchar', length: '64' },
    { name: 'description_zh', type: 'varchar', length: '512' },
    { name: 'description_en', type: 'varchar', length: '512' },
    { name: 'sample_image_url', type: 'varchar', length: '512', isNullable: true },
    { name: 'webhook_path', type: 'varchar', length: '128' },
    { name: 'credits', type: 'int' },
    { name: 'deadline_seconds', type: 'int' },
    { name: 'inputs', type: 'text' },
    { name: 'params', type: 'text' },
    { name: 'outputs', type: 'int' },
    { name: 'cacheable', type: 'smallint', default: 0 },
    { name: 'enabled', type: 'smallint', default: 1 },
    { name: 'sort', type: 'int', default: 0 },
    { name: 'prompt_template', type: 'text', isNullable: true },
    { name: 'created_at', type: 'datetime', precision: 3 },
    { name: 'updated_at', type: 'datetime', precision: 3 },
  ],
});

const garment = { name: 'garment', kind: 'image', label: { zh: '服装图', en: 'Garment photo' } };

/** The two types as they were in code (task-types.ts before this migration). */
const SEEDS = [
  {
    code: 'basic_clean',
    name: { zh: '白底主图', en: 'White-background image' },
    description: { zh: '自动抠图，800×800 白底', en: 'Cut out, 800×800 on white' },
    webhookPath: 'aiphoto-basic-clean',
    credits: 1,
    deadlineSetting: 'task.deadline.basic_clean_seconds',
    deadlineSeconds: 120,
    inputs: [garment],
    params: [],
    outputs: 1,
    cacheable: true,
    sort: 10,
    promptTemplate: null,
  },
  {
    code: 'model_pose12',
    name: { zh: 'AI 模特 12 姿势', en: 'AI model, 12 poses' },
    description: { zh: '模特穿着您的衣服，12 个姿势', en: 'A model wearing your garment in 12 poses' },
    webhookPath: 'aiphoto-model-pose12',
    credits: 1,
    deadlineSetting: 'task.deadline.model_pose12_seconds',
    deadlineSeconds: 600,
    inputs: [garment],
    params: [
      { name: 'scene', kind: 'scene', label: { zh: '场景', en: 'Scene' }, required: true },
      { name: 'category', kind: 'category', label: { zh: '服装品类', en: 'Garment category' }, required: true },
    ],
    outputs: 12,
    // A random seed makes every run different: never served from the cache.
    cacheable: false,
    sort: 20,
    promptTemplate:
      '{scene}, {category}, front view, side view, back view, 3/4 view, walking, standing, sitting, dynamic poses, 12 shots, commercial quality, high resolution',
  },
];

export class TaskTypes1732230500000 implements MigrationInterface {
  name = 'TaskTypes1732230500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(table, true);
    await queryRunner.addColumns('tasks', [
      new TableColumn({ name: 'inputs', type: 'text', isNullable: true }),
      new TableColumn({ name: 'type_def', type: 'text', isNullable: true }),
    ]);
    const now = toDbTime(new Date());
    for (const seed of SEEDS) {
      const override = (await queryRunner.query('SELECT `value` FROM settings WHERE `key` = ?', [
        seed.deadlineSetting,
      ])) as Array<{ value: string }>;
      const deadline = Number(override[0]?.value) || seed.deadlineSeconds;
      await insertTaskTypeSeed(queryRunner, { ...seed, deadlineSeconds: deadline }, now);
      await queryRunner.query('DELETE FROM settings WHERE `key` = ?', [seed.deadlineSetting]);
      // Tasks created before this migration: frozen with the definition they were made under.
      const { deadlineSetting: _setting, code, ...frozen } = seed;
      void _setting;
      await queryRunner.query('UPDATE tasks SET type_def = ? WHERE type = ? AND type_def IS NULL', [
        JSON.stringify({ key: code, ...frozen, sampleImageUrl: null, enabled: true, deadlineSeconds: deadline }),
        code,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('tasks', ['inputs', 'type_def']);
    await queryRunner.dropTable(table.name, true);
  }
}
