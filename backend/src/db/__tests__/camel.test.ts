import { toCamel, type Camel } from '../camel';

describe('toCamel', () => {
  it('renames snake_case keys and keeps the values as they are', () => {
    const row = { id: 't1', user_id: 'u1', n8n_execution_id: '42', last_used_at: null, events: '["task.done"]' };
    const mapped: Camel<typeof row> = toCamel(row);
    expect(mapped).toEqual({ id: 't1', userId: 'u1', n8nExecutionId: '42', lastUsedAt: null, events: '["task.done"]' });
    expect(Object.keys(mapped)).not.toContain('user_id');
  });

  it('leaves keys without an underscore and the row itself alone', () => {
    const row = { id: 'a', status: 'done', progress: 100 };
    expect(toCamel(row)).toEqual(row);
    expect(toCamel(row)).not.toBe(row);
  });
});
