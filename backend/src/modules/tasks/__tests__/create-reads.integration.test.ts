import type { Logger as OrmLogger } from 'typeorm';
import { drivers } from '../../../testing/test-db';
import { wholeBackend, type WholeBackend } from '../../../testing/whole-backend';
import { LedgerService } from '../../ledger/ledger.service';
import { UploadsRepository } from '../../media/uploads.repository';
import { readForCreate } from '../create-reads.repository';
import { waitFor } from '../../../../../jest/wait-for';

// A create's type, upload and account in one statement (create-reads.repository.ts), with every module as
// `npm start` assembles them: the real media check, membership and ledger judge what it read.
describe.each(drivers)('the create reads on %s', (driver) => {
  let wb: WholeBackend;

  beforeAll(async () => {
    // The dispatcher runs only when a create wakes it, and the webhook deliveries' poll (every
    // second by default) once an hour, so no idle poll falls into a count below.
    wb = await wholeBackend(driver, { OUTBOX_POLL_INTERVAL_MS: '3600000', WEBHOOK_POLL_INTERVAL_MS: '3600000' });
  });

  afterAll(async () => {
    await wb?.close();
  });

  /** The SQL statements the backend runs while `work` runs (the backend's own connection). */
  async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const quiet = () => undefined;
    const original = wb.ds.logger;
    const logger: OrmLogger = {
      logQuery: (sql) => void seen.push(sql),
      logQueryError: quiet,
      logQuerySlow: quiet,
      logSchemaBuild: quiet,
      logMigration: quiet,
      log: quiet,
    };
    wb.ds.logger = logger;
    try {
      await work();
    } finally {
      wb.ds.logger = original;
    }
    return seen;
  }

  const create = (token: string, body: object) =>
    wb.api().post('/api/v1/tasks').set('Authorization', `Bearer ${token}`).send(body);

  it('reads the type, the upload and the account with the columns and values their own reads answer', async () => {
    const user = await wb.merchant({ quota: 3 });
    const key = await wb.upload(user.id);
    const reads = await readForCreate(wb.ds.manager, user.id, 'basic_clean', key);
    const [typeRow] = (await wb.ds.query('SELECT * FROM task_types WHERE code = ?', ['basic_clean'])) as object[];
    expect(reads?.type.row).toEqual({ ...typeRow });
    expect(reads?.upload?.row).toEqual(await new UploadsRepository().findByUserAndKey(wb.ds.manager, user.id, key));
    const [account] = (await wb.ds.query('SELECT quota_remaining, is_member, quota_expire_at FROM users WHERE id = ?', [
      user.id,
    ])) as Array<{ quota_remaining: number; is_member: number; quota_expire_at: string }>;
    expect(reads?.account).toEqual({
      quotaRemaining: 3,
      isMember: 1,
      quotaExpireAt: account.quota_expire_at,
    });
    // No such type, no key asked, no such user.
    const none = await readForCreate(wb.ds.manager, user.id, 'no_such_type', null);
    expect(none?.type.row).toBeNull();
    expect(none?.upload).toBeUndefined();
    expect(await readForCreate(wb.ds.manager, '00000000-0000-4000-8000-000000000000', 'basic_clean', key)).toBeNull();
  });

  it("finds only the caller's own upload: another merchant's key is refused as before", async () => {
    const alice = await wb.merchant({ quota: 3 });
    const bob = await wb.merchant({ quota: 3 });
    const alicesKey = await wb.upload(alice.id);
    // Scoped in the statement itself: the row exists, but not for Bob.
    expect((await readForCreate(wb.ds.manager, bob.id, 'basic_clean', alicesKey))?.upload).toEqual({ row: null });
    expect((await readForCreate(wb.ds.manager, alice.id, 'basic_clean', alicesKey))?.upload?.row).toMatchObject({
      userId: alice.id,
      storageKey: alicesKey,
    });
    const foreign = await create(bob.token, { type: 'basic_clean', inputKey: alicesKey }).expect(400);
    expect(foreign.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'inputKey must be a key returned by POST /api/v1/uploads for your account',
    });
    // Alice's key renamed into Bob's folder: the prefix passes, the row is not Bob's.
    const moved = alicesKey.replace(`input/${alice.id}/`, `input/${bob.id}/`);
    const missing = await create(bob.token, { type: 'basic_clean', inputKey: moved }).expect(404);
    expect(missing.body.error.code).toBe('INPUT_NOT_FOUND');
    for (const id of [alice.id, bob.id])
      expect(await new LedgerService(wb.ds).checkInvariant(id)).toMatchObject({ ok: true, balance: 3 });
  });

  it('refuses a create on an empty account with one statement, and an accepted one reads once before its transaction', async () => {
    const user = await wb.merchant({ quota: 1 });
    const key = await wb.upload(user.id);
    // The session version is cached per process from the first request on.
    await wb.api().get('/api/v1/me').set('Authorization', `Bearer ${user.token}`).expect(200);
    const accepted = await statementsDuring(() =>
      create(user.token, { type: 'basic_clean', inputKey: key }).expect(201),
    );
    expect(accepted[0]).toMatch(/^SELECT .* FROM users a LEFT JOIN task_types t .* LEFT JOIN uploads u /);
    expect(accepted[1]).toMatch(/^(START|BEGIN) TRANSACTION/);
    // The dispatch the accepted create woke finishes before the refusal is counted.
    await waitFor(
      async () =>
        (await wb.ds.query("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")) as Array<{
          n: number | string;
        }>,
      (found) => Number(found[0].n) === 0,
    );
    const refused = await statementsDuring(async () => {
      const res = await create(user.token, { type: 'basic_clean', inputKey: key }).expect(402);
      expect(res.body.error.code).toBe('QUOTA_EXHAUSTED');
    });
    expect(refused).toHaveLength(1);
    expect(await new LedgerService(wb.ds).checkInvariant(user.id)).toMatchObject({ ok: true, balance: 0 });
  });

  it('still downgrades a lapsed membership before judging the credits', async () => {
    const user = await wb.merchant({ quota: 5, isMember: true, expireAt: new Date(Date.now() - 60_000) });
    const key = await wb.upload(user.id);
    const res = await create(user.token, { type: 'basic_clean', inputKey: key }).expect(402);
    expect(res.body.error.code).toBe('MEMBERSHIP_REQUIRED');
    // The downgrade wrote its `expire` entry: balance 0, ledger and lots agree.
    expect(await new LedgerService(wb.ds).checkInvariant(user.id)).toMatchObject({ ok: true, balance: 0 });
    const [row] = (await wb.ds.query('SELECT is_member FROM users WHERE id = ?', [user.id])) as Array<{
      is_member: number;
    }>;
    expect(Number(row.is_member)).toBe(0);
  });
});
