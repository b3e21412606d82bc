import { randomUUID } from 'node:crypto';
import { createDataSource } from '../data-source';
import { isCheckViolation, isUniqueViolation } from '../db-errors';
import { migrations } from '../migrations';
import { toDbTime } from '../time';
import { createEmptyDatabase, createTestDatabase, drivers, type TestDatabase } from '../../testing/test-db';
import { inspectSchema, type SchemaSummary } from '../../testing/schema-inspector';

const EXPECTED_TABLES = [
  'admin_users',
  'api_keys',
  'credit_allocations',
  'credit_lots',
  'credit_packs',
  'invite_rewards',
  'orders',
  'outbox',
  'quota_ledger',
  'scenes',
  'settings',
  'task_events',
  'task_type_versions',
  'task_types',
  'tasks',
  'uploads',
  'users',
  'verification_codes',
  'webhook_deliveries',
  'webhook_endpoints',
  'wechat_identities',
];

describe('migrations create the same schema on SQLite and MySQL', () => {
  const summaries: Partial<Record<string, SchemaSummary>> = {};
  const dbs: TestDatabase[] = [];

  beforeAll(async () => {
    for (const driver of drivers) {
      const db = await createTestDatabase(driver);
      dbs.push(db);
      summaries[driver] = await inspectSchema(db.ds);
    }
  });

  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
  });

  it.each(drivers)('%s has every table of the data model', (driver) => {
    expect(Object.keys(summaries[driver]!.columns)).toEqual(EXPECTED_TABLES);
  });

  it('columns and nullability match between drivers', () => {
    expect(summaries.sqlite!.columns).toEqual(summaries.mysql!.columns);
  });

  it('unique keys match and include every key the money rules need', () => {
    expect(summaries.sqlite!.uniques).toEqual(summaries.mysql!.uniques);
    const u = summaries.mysql!.uniques;
    expect(u.quota_ledger).toContain('idempotency_key');
    expect(u.credit_lots).toContain('ledger_key');
    expect(u.credit_allocations).toContain('task_id,lot_id');
    expect(u.invite_rewards).toEqual(expect.arrayContaining(['invitee_id', 'invitee_phone', 'invitee_wechat']));
    expect(u.wechat_identities).toEqual(expect.arrayContaining(['user_id', 'unionid', 'web_openid', 'mini_openid']));
    expect(u.users).toContain('invite_code');
    expect(u.orders).toEqual(expect.arrayContaining(['out_trade_no', 'transaction_id']));
    expect(u.users).toContain('phone');
    expect(u.tasks).toContain('user_id,client_key');
  });

  it('check constraints match, including quota_remaining >= 0', () => {
    expect(summaries.sqlite!.checks).toEqual(summaries.mysql!.checks);
    expect(summaries.mysql!.checks.users).toContain('ck_users_quota_nonneg');
  });
});

describe.each(drivers)('constraints are enforced on %s', (driver) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(driver);
  });
  afterAll(() => db.drop());

  const insertUser = (
    quota: number,
    phone = `139${Math.floor(Math.random() * 1e8)
      .toString()
      .padStart(8, '0')}`,
  ) => {
    const now = toDbTime(new Date());
    return db.ds.query(
      'INSERT INTO users (id, phone, is_member, quota_remaining, created_at, updated_at) VALUES (?, ?, 0, ?, ?, ?)',
      [randomUUID(), phone, quota, now, now],
    );
  };

  it('refuses a negative quota_remaining', async () => {
    const err = await insertUser(-1).catch((e: unknown) => e);
    expect(isCheckViolation(err)).toBe(true);
  });

  it('refuses a second user with the same phone', async () => {
    await insertUser(0, '13900000001');
    const err = await insertUser(0, '13900000001').catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('refuses a second ledger row with the same idempotency key', async () => {
    const row = () =>
      db.ds.query(
        'INSERT INTO quota_ledger (id, user_id, delta, balance_after, kind, idempotency_key, created_at) VALUES (?, ?, 1, 1, ?, ?, ?)',
        [randomUUID(), randomUUID(), 'grant', 'grant:order-1', toDbTime(new Date())],
      );
    await row();
    expect(isUniqueViolation(await row().catch((e: unknown) => e))).toBe(true);
  });

  it('running the migrations again applies nothing', async () => {
    const again = createDataSource(db.config);
    await again.initialize();
    try {
      expect(await again.runMigrations()).toEqual([]);
    } finally {
      await again.destroy();
    }
  });
});

describe.each(drivers)('an empty %s database', (driver) => {
  // Every migration up and down: on MariaDB well past jest's 5 s default on a busy 2-core machine.
  it('is migrated from nothing to the current schema and back down', async () => {
    const empty = await createEmptyDatabase(driver);
    const ds = createDataSource(empty.config);
    await ds.initialize();
    try {
      const applied = await ds.runMigrations();
      expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => new m().name));
      for (let i = 0; i < applied.length; i++) await ds.undoLastMigration();
      expect(Object.keys((await inspectSchema(ds)).columns)).toEqual([]);
    } finally {
      await ds.destroy();
      await empty.drop();
    }
  }, 60_000);
});
