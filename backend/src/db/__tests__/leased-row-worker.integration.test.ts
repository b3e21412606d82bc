import { waitFor } from '../../../../jest/wait-for';
import { capturingLogger } from '../../testing/capturing-logger';
import { createTestDatabase, drivers, type TestDatabase } from '../../testing/test-db';
import { OutboxRepository, type OutboxRow } from '../../modules/tasks/outbox.repository';
import { backoffDelay, LeasedRowWorker, type PassOutcome } from '../leased-row-worker';
import { fromDbTime } from '../time';
import { execute } from '../transaction';

describe('backoffDelay', () => {
  const backoff = { baseMs: 500, maxMs: 30_000, jitter: 0.2 };

  it('doubles per attempt up to the cap, shortened by at most the jitter share', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(backoff, n, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(backoff, 20, () => 0)).toBe(30_000);
    // The largest draw takes 20 % off; the delay never exceeds its nominal value.
    expect(backoffDelay(backoff, 3, () => 0.999999)).toBe(1600);
    expect(backoffDelay({ baseMs: 100 }, 1, () => 0.5)).toBe(90);
  });

  it('spreads rows that failed together', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(backoff, 5, random)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(6400);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});

describe.each(drivers)('the leased-row worker on %s', (driver) => {
  let db: TestDatabase;
  const outbox = new OutboxRepository();
  let clock = new Date('2030-01-01T00:00:00.000Z');
  const now = () => clock;

  beforeAll(async () => {
    db = await createTestDatabase(driver);
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await execute(db.ds.manager, 'DELETE FROM outbox');
    clock = new Date('2030-01-01T00:00:00.000Z');
  });

  const row = async (id: string) => ((await db.ds.query('SELECT * FROM outbox WHERE id = ?', [id])) as OutboxRow[])[0];

  function worker(
    pass: (row: OutboxRow, attempt: number) => Promise<PassOutcome>,
    maxAttempts?: number,
    prepare?: (due: OutboxRow[]) => Promise<void>,
  ) {
    const { logger, lines } = capturingLogger();
    const outcomes: string[] = [];
    const w = new LeasedRowWorker<OutboxRow>({
      name: 'test queue',
      db: db.ds,
      queue: outbox,
      pass,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      maxAttempts,
      prepare,
      leaseMs: 30_000,
      pollIntervalMs: 60_000,
      logger,
      onOutcome: (result) => outcomes.push(result),
      now,
      random: () => 0,
    });
    return { w, lines, outcomes };
  }

  it('claims each due row once even with two workers racing, and marks it sent', async () => {
    const ids = await Promise.all([1, 2, 3].map((n) => outbox.add(db.ds.manager, 'test', { n }, clock)));
    const seen: string[] = [];
    const pass = async (r: OutboxRow): Promise<PassOutcome> => {
      seen.push(r.id);
      return { result: 'sent' };
    };
    const [a, b] = [worker(pass), worker(pass)];
    const sent = (await Promise.all([a.w.runOnce(), b.w.runOnce()])).reduce((x, y) => x + y, 0);
    expect(sent).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(await a.w.runOnce()).toBe(0);
  });

  it('retries after the backoff, hidden until then, and commits the pass’s own change with sent', async () => {
    const id = await outbox.add(db.ds.manager, 'test', {}, clock);
    let tries = 0;
    const committed: number[] = [];
    const { w, outcomes } = worker(async (_r, attempt) => {
      tries++;
      if (attempt < 3) return { result: 'retry', error: `HTTP 50${attempt}` };
      return {
        result: 'sent',
        inTransaction: async (tx) => void (await execute(tx, "UPDATE outbox SET topic = 'changed' WHERE id = ?", [id])),
        afterCommit: async () => void committed.push(attempt),
      };
    });
    await w.runOnce();
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 501' });
    expect(fromDbTime((await row(id)).next_attempt_at)!.getTime() - clock.getTime()).toBe(1000);
    expect(await w.runOnce()).toBe(0); // not due yet
    clock = new Date(clock.getTime() + 1000);
    await w.runOnce();
    expect(fromDbTime((await row(id)).next_attempt_at)!.getTime() - clock.getTime()).toBe(2000);
    clock = new Date(clock.getTime() + 2000);
    expect(await w.runOnce()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 3, topic: 'changed', last_error: null });
    expect({ tries, committed, outcomes }).toEqual({ tries: 3, committed: [3], outcomes: ['retry', 'retry', 'sent'] });
  });

  it('is dead after the last attempt, at a deadline the next try would miss, or when the pass says so', async () => {
    const [byAttempts, byDeadline, byPass] = await Promise.all(
      ['a', 'b', 'c'].map((topic) => outbox.add(db.ds.manager, topic, {}, clock)),
    );
    const deadline = new Date(clock.getTime() + 500);
    const { w, lines } = worker(async (r) => {
      if (r.topic === 'a') return { result: 'retry', error: 'still down' };
      if (r.topic === 'b') return { result: 'retry', error: 'n8n down', giveUpAfter: deadline };
      return { result: 'dead', error: 'refused' };
    }, 1);
    await w.runOnce();
    expect(await row(byAttempts)).toMatchObject({ status: 'dead', last_error: 'still down' });
    expect(await row(byDeadline)).toMatchObject({ status: 'dead', last_error: 'n8n down' });
    expect(await row(byPass)).toMatchObject({ status: 'dead', last_error: 'refused' });
    expect(lines.join('')).toContain('test queue gave up');
  });

  it('counts a pass that throws as a retry, keeping the message', async () => {
    const id = await outbox.add(db.ds.manager, 'test', {}, clock);
    const { w } = worker(async () => {
      throw new Error('database hiccup');
    });
    await w.runOnce();
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'database hiccup' });
  });

  it('prepares each pass once with its due rows before claiming them; a failed prepare is logged, the passes still run', async () => {
    const ids = await Promise.all([1, 2].map((n) => outbox.add(db.ds.manager, 'test', { n }, clock)));
    const prepared: Array<Array<{ id: string; attempts: number }>> = [];
    let fail = false;
    const { w, lines } = worker(
      async () => ({ result: 'sent' }),
      undefined,
      async (due) => {
        // Nothing is claimed yet: every row is as the poll read it.
        prepared.push(due.map((r) => ({ id: r.id, attempts: r.attempts })));
        if (fail) throw new Error('read failed');
      },
    );
    expect(await w.runOnce()).toBe(2);
    expect(prepared).toEqual([expect.arrayContaining(ids.map((id) => ({ id, attempts: 0 })))]);
    expect(await w.runOnce()).toBe(0); // no due rows: not prepared
    expect(prepared).toHaveLength(1);
    fail = true;
    await outbox.add(db.ds.manager, 'test', { n: 3 }, clock);
    expect(await w.runOnce()).toBe(1);
    expect(lines.join('')).toContain('test queue: preparing the pass failed');
  });

  it('leaves a row another worker holds alone until its lease ends', async () => {
    const id = await outbox.add(db.ds.manager, 'test', {}, clock);
    let passes = 0;
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const slow = worker(async () => {
      passes++;
      await holding; // the first worker is still inside its pass
      return { result: 'sent' };
    });
    const first = slow.w.runOnce();
    const other = worker(async () => {
      passes++;
      return { result: 'sent' };
    });
    // Claiming moved next_attempt_at past the lease: the row is not due for anyone else.
    await waitFor(
      () => row(id),
      (r) => r.attempts === 1,
      { what: 'the first worker’s claim' },
    );
    expect(await other.w.runOnce()).toBe(0);
    release();
    expect(await first).toBe(1);
    expect(passes).toBe(1);
  });
});
