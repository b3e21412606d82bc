import type { QueryRunner } from 'typeorm';
import { insertTaskTypeSeed } from '../migrations/task-type-seed';

/** What the seeding migrations issued before they shared the helper: databases that ran them hold these rows. */
const STATEMENT = `INSERT INTO task_types (code, name_zh, name_en, description_zh, description_en, sample_image_url, webhook_path,
                                 credits, deadline_seconds, inputs, params, outputs, cacheable, enabled, sort,
                                 prompt_template, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`;

function recorder() {
  const calls: Array<{ sql: string; params: unknown[] }> = [];
  const runner = {
    query: async (sql: string, params: unknown[]) => {
      calls.push({ sql, params });
    },
  } as unknown as QueryRunner;
  return { calls, runner };
}

const seed = {
  code: 'demo',
  name: { zh: '演示', en: 'Demo' },
  description: { zh: '说明', en: 'About' },
  webhookPath: 'aiphoto-demo',
  credits: 2,
  deadlineSeconds: 600,
  inputs: [{ name: 'garment', kind: 'image' }],
  params: [],
  outputs: 1,
  sort: 30,
};

describe('insertTaskTypeSeed, the statement of the seeding migrations', () => {
  it('issues the statement and values the migrations always issued', async () => {
    const { calls, runner } = recorder();
    await insertTaskTypeSeed(
      runner,
      { ...seed, cacheable: true, promptTemplate: '{scene}' },
      '2024-11-22 00:00:00.000',
    );
    expect(calls).toEqual([
      {
        sql: STATEMENT,
        params: [
          'demo',
          '演示',
          'Demo',
          '说明',
          'About',
          'aiphoto-demo',
          2,
          600,
          '[{"name":"garment","kind":"image"}]',
          '[]',
          1,
          1,
          30,
          '{scene}',
          '2024-11-22 00:00:00.000',
          '2024-11-22 00:00:00.000',
        ],
      },
    ]);
  });

  it('writes not cacheable and no prompt template when the seed names neither (the video album row: 0 and NULL)', async () => {
    const { calls, runner } = recorder();
    await insertTaskTypeSeed(runner, seed, 'now');
    expect(calls[0].params.slice(11, 14)).toEqual([0, 30, null]);
  });
});
