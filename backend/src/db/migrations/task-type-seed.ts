import type { QueryRunner } from 'typeorm';

/** One `task_types` row as a seeding migration writes it (each migration keeps its own copy of the values). */
export interface TaskTypeSeed {
  code: string;
  name: { zh: string; en: string };
  description: { zh: string; en: string };
  webhookPath: string;
  credits: number;
  deadlineSeconds: number;
  inputs: unknown[];
  params: unknown[];
  outputs: number;
  /** Off unless told. */
  cacheable?: boolean;
  sort: number;
  /** None unless told. */
  promptTemplate?: string | null;
}

/**
 * Inserts one enabled `task_types` row without a sample image, created and updated at `now`. The
 * seeding migrations that already ran on deployed databases issue this statement: keep its
 * columns and values as they are, or those databases and new ones would disagree.
 */
export async function insertTaskTypeSeed(queryRunner: QueryRunner, t: TaskTypeSeed, now: string): Promise<void> {
  await queryRunner.query(
    `INSERT INTO task_types (code, name_zh, name_en, description_zh, description_en, sample_image_url, webhook_path,
                                 credits, deadline_seconds, inputs, params, outputs, cacheable, enabled, sort,
                                 prompt_template, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
    [
      t.code,
      t.name.zh,
      t.name.en,
      t.description.zh,
      t.description.en,
      t.webhookPath,
      t.credits,
      t.deadlineSeconds,
      JSON.stringify(t.inputs),
      JSON.stringify(t.params),
      t.outputs,
      t.cacheable ? 1 : 0,
      t.sort,
      t.promptTemplate ?? null,
      now,
      now,
    ],
  );
}
