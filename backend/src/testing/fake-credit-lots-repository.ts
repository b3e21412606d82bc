import { randomUUID } from 'node:crypto';
import { fromDbTime, toDbTime } from '../db/time';
import type { Db } from '../db/transaction';
import {
  toLot,
  type CreditLotsRepository,
  type Lot,
  type LotRow,
  type LotSource,
} from '../modules/ledger/credit-lots.repository';
import type { FakeDb } from './fake-db';

export interface AllocationRow {
  id: string;
  task_id: string;
  lot_id: string;
  amount: number;
  created_at: string;
}

export interface LotTables {
  lots: LotRow[];
  allocations: AllocationRow[];
}

/**
 * CreditLotsRepository over in-memory tables, keeping each statement's condition (a lot gives
 * only what it holds, takes back at most its amount and nothing once written off). The SQL is
 * credit-lots.integration.test.ts's subject, on SQLite and MariaDB.
 */
export class FakeCreditLotsRepository implements CreditLotsRepository {
  constructor(readonly db: FakeDb<LotTables>) {}

  private lot(id: string): LotRow | undefined {
    return this.db.tables.lots.find((l) => l.id === id);
  }

  async insert(
    _db: Db,
    lot: { userId: string; source: LotSource; key: string; amount: number; expiresAt: Date | null },
    now: Date,
  ): Promise<string> {
    const id = randomUUID();
    this.db.tables.lots.push({
      id,
      user_id: lot.userId,
      source: lot.source,
      ledger_key: lot.key,
      amount: lot.amount,
      remaining: lot.amount,
      expires_at: lot.expiresAt ? toDbTime(lot.expiresAt) : null,
      expired_at: null,
      created_at: toDbTime(now),
    });
    return id;
  }

  async open(_db: Db, userId: string): Promise<Lot[]> {
    return this.db.tables.lots
      .filter((l) => l.user_id === userId && l.expired_at === null && l.remaining > 0)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
      .map(toLot);
  }

  async take(_db: Db, lotId: string, n: number): Promise<boolean> {
    const lot = this.lot(lotId);
    if (!lot || lot.remaining < n) return false;
    lot.remaining -= n;
    return true;
  }

  async giveBack(_db: Db, lotId: string, n: number): Promise<boolean> {
    const lot = this.lot(lotId);
    if (!lot || lot.expired_at !== null || lot.remaining + n > lot.amount) return false;
    lot.remaining += n;
    return true;
  }

  async writeOff(_db: Db, lotId: string, now: Date): Promise<void> {
    const lot = this.lot(lotId);
    if (!lot) return;
    lot.remaining = 0;
    lot.expired_at = toDbTime(now);
  }

  async insertAllocations(_db: Db, list: Array<{ taskId: string; lotId: string; amount: number }>, now: Date) {
    for (const a of list) {
      this.db.tables.allocations.push({
        id: randomUUID(),
        task_id: a.taskId,
        lot_id: a.lotId,
        amount: a.amount,
        created_at: toDbTime(now),
      });
    }
  }

  async allocations(_db: Db, taskId: string): Promise<Array<{ lotId: string; amount: number }>> {
    return this.db.tables.allocations
      .filter((a) => a.task_id === taskId)
      .map((a) => ({ lotId: a.lot_id, amount: a.amount }));
  }

  async usersWithDueLots(_db: Db, now: Date, limit: number): Promise<string[]> {
    const due = this.db.tables.lots.filter((l) => {
      const at = fromDbTime(l.expires_at);
      return at !== null && at <= now && l.expired_at === null && l.remaining > 0;
    });
    return [...new Set(due.map((l) => l.user_id))].slice(0, limit);
  }

  async sumRemaining(_db: Db, userId: string): Promise<number> {
    return this.db.tables.lots.filter((l) => l.user_id === userId).reduce((sum, l) => sum + l.remaining, 0);
  }
}
