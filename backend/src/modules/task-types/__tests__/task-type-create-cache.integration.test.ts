/**
 * The definition a create freezes is reused while its row is unchanged, and an edit made
 * anywhere — the admin API of another replica, or SQL that bypasses the service — is what the
 * next create sees (task-types.repository.ts, findForCreate).
 */
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../../db/data-source';
import { ValidationError } from '../../../errors/app-error';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { typeVersionOf } from '../../tasks/task-type-versions';
import type { CreateTaskTypeInput } from '../task-type.schema';
import { definitionOf, TaskTypesService } from '../task-types.service';

const TYPE: CreateTaskTypeInput = {
  key: 'cache_probe',
  name: { zh: '缓存探针', en: 'Cache probe' },
  description: { zh: '测试', en: 'Test' },
  sampleImageUrl: null,
  webhookPath: 'aiphoto-cache-probe',
  credits: 2,
  deadlineSeconds: 120,
  inputs: [{ name: 'garment', kind: 'image', label: { zh: '服装', en: 'Garment' } }],
  params: [],
  outputs: 1,
  cacheable: false,
  enabled: true,
  sort: 900,
  promptTemplate: null,
};

describe.each(drivers)('the definition a create freezes, on %s', (driver) => {
  let db: TestDatabase;
  /** A second connection to the same database: another backend replica. */
  let other: DataSource;
  let replicaA: TaskTypesService;
  let replicaB: TaskTypesService;

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    other = await openDatabase(db.config);
    replicaA = new TaskTypesService(db.ds);
    replicaB = new TaskTypesService(other);
    await replicaA.create(TYPE);
  });
  afterAll(async () => {
    if (other?.isInitialized) await other.destroy();
    await db?.drop();
  });

  it('answers one deeply frozen object while the row is unchanged, equal to the stored definition', async () => {
    const first = await replicaA.forCreate(TYPE.key);
    const second = await replicaA.forCreate(TYPE.key);
    expect(second).toBe(first);
    expect(first).toEqual(definitionOf(await replicaA.getAdmin(TYPE.key)));
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.inputs[0].label)).toBe(true);
    // The same text as a definition built afresh: the version a task points at is unchanged.
    expect(typeVersionOf(first).text).toBe(JSON.stringify(definitionOf(await replicaA.getAdmin(TYPE.key))));
  });

  it("sees another replica's admin edit at the next create, in a plain column and in a JSON one", async () => {
    const before = await replicaA.forCreate(TYPE.key);
    await replicaB.update(TYPE.key, { credits: before.credits + 3 });
    const afterCredits = await replicaA.forCreate(TYPE.key);
    expect(afterCredits).not.toBe(before);
    expect(afterCredits.credits).toBe(before.credits + 3);

    const label = { zh: '衣服', en: 'Clothes' };
    await replicaB.update(TYPE.key, { inputs: [{ ...TYPE.inputs[0], label }] });
    const afterLabel = await replicaA.forCreate(TYPE.key);
    expect(afterLabel.inputs[0].label).toEqual(label);
    expect(afterLabel).toEqual(definitionOf(await replicaB.getAdmin(TYPE.key)));
    expect(typeVersionOf(afterLabel).hash).not.toBe(typeVersionOf(afterCredits).hash);
  });

  it('refuses a type another replica disabled, and offers it again once re-enabled', async () => {
    await replicaA.forCreate(TYPE.key);
    await replicaB.update(TYPE.key, { enabled: false });
    await expect(replicaA.forCreate(TYPE.key)).rejects.toBeInstanceOf(ValidationError);
    await replicaB.update(TYPE.key, { enabled: true });
    expect((await replicaA.forCreate(TYPE.key)).enabled).toBe(true);
  });

  it('sees a write that bypassed the service (a migration, a SQL console), even in the same second', async () => {
    const before = await replicaA.forCreate(TYPE.key);
    // updated_at deliberately left as it was: the content alone must invalidate.
    await other.query('UPDATE task_types SET params = ?, outputs = ? WHERE code = ?', [
      JSON.stringify([
        { name: 'note', kind: 'text', label: { zh: '备注', en: 'Note' }, required: false, maxLength: 5 },
      ]),
      before.outputs + 1,
      TYPE.key,
    ]);
    const after = await replicaA.forCreate(TYPE.key);
    expect(after.outputs).toBe(before.outputs + 1);
    expect(after.params.map((p) => p.name)).toEqual(['note']);
    expect(await replicaA.forCreate(TYPE.key)).toBe(after);
  });
});
