import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { toDbTime } from '../db/time';
import { inTransaction } from '../db/transaction';
import { LedgerService } from '../modules/ledger/ledger.service';
import { createTestUser } from '../testing/money-factories';
import { createTestDatabase } from '../testing/test-db';

/**
 * Reserves per second on MariaDB/MySQL (MYSQL_URL): our ledger (TypeORM transaction +
 * LedgerService.reserve) against a raw mysql2 baseline running the same statements in one
 * transaction. Same pool size, concurrency and users for both; `npm run bench` prints the ratio
 * (scripts/bench/cases/ledger.ts) and fails if the invariant breaks.
 */
export interface LedgerBenchOptions {
  total: number;
  concurrency: number;
  users: number;
}

async function run(
  total: number,
  concurrency: number,
  one: (userId: string) => Promise<void>,
  users: string[],
): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await one(users[i % users.length]);
      }
    }),
  );
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Reserves per second through our ledger and through the raw baseline. */
export async function ledgerReserveRates(options: LedgerBenchOptions): Promise<{ ours: number; baseline: number }> {
  const { total, concurrency } = options;
  const db = await createTestDatabase('mysql', { poolSize: concurrency });
  const raw = mysql.createPool({
    uri: db.config.type === 'mysql' ? db.config.url : '',
    connectionLimit: concurrency,
    dateStrings: true,
    timezone: 'Z',
  });
  try {
    const ledger = new LedgerService(db.ds);
    const users = await Promise.all(
      Array.from({ length: options.users }, () => createTestUser(db.ds.manager, { quota: 1_000_000 })),
    );

    const ours = async (userId: string) => {
      await inTransaction(db.ds, (tx) => ledger.reserve(tx, userId, 1, [randomUUID()]));
    };
    // The same statements the ledger issues, hand-written on a bare mysql2 connection.
    const baseline = async (userId: string) => {
      const conn = await raw.getConnection();
      try {
        await conn.query('START TRANSACTION');
        const now = toDbTime(new Date());
        const [res] = await conn.execute<mysql.ResultSetHeader>(
          'UPDATE users SET quota_remaining = quota_remaining - ?, updated_at = ? WHERE id = ? AND quota_remaining >= ? AND is_member = 1 AND quota_expire_at > ?',
          [1, now, userId, 1, now],
        );
        if (res.affectedRows !== 1) throw new Error('baseline reserve refused');
        const [rows] = await conn.execute<mysql.RowDataPacket[]>(
          'SELECT quota_remaining, is_member, quota_expire_at FROM users WHERE id = ?',
          [userId],
        );
        // The lot the credit comes from, and the record of it (ledger/lot-book.ts).
        const [lots] = await conn.execute<mysql.RowDataPacket[]>(
          'SELECT * FROM credit_lots WHERE user_id = ? AND expired_at IS NULL AND remaining > 0 ORDER BY created_at, id',
          [userId],
        );
        const lotId = String(lots[0].id);
        await conn.execute('UPDATE credit_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?', [
          1,
          lotId,
          1,
        ]);
        const taskId = randomUUID();
        await conn.execute(
          'INSERT INTO credit_allocations (id, task_id, lot_id, amount, created_at) VALUES (?, ?, ?, ?, ?)',
          [randomUUID(), taskId, lotId, 1, now],
        );
        await conn.execute(
          'INSERT INTO quota_ledger (id, user_id, delta, balance_after, kind, task_id, order_id, admin_id, reason, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            randomUUID(),
            userId,
            -1,
            Number(rows[0].quota_remaining),
            'reserve',
            taskId,
            null,
            null,
            null,
            `reserve:${taskId}`,
            now,
          ],
        );
        await conn.query('COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK');
        throw err;
      } finally {
        conn.release();
      }
    };

    // Warm both paths (connections, statement caches, buffer pool) before measuring.
    await run(300, concurrency, ours, users);
    await run(300, concurrency, baseline, users);
    const base = await run(total, concurrency, baseline, users);
    const mine = await run(total, concurrency, ours, users);
    for (const u of users) {
      const report = await ledger.checkInvariant(u);
      if (!report.ok) throw new Error(`invariant broken for ${u}: ${report.problems.join('; ')}`);
    }
    return { ours: mine, baseline: base };
  } finally {
    await raw.end();
    await db.drop();
  }
}
