import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../db/db-errors';
import { isoOrNull, toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

export interface CreditPack {
  id: string;
  name: string;
  credits: number;
  priceFen: number;
  active: boolean;
  sort: number;
  createdAt: string;
}

interface PackRow {
  id: string;
  name: string;
  credits: number | string;
  price_fen: number | string;
  active: number | string;
  sort: number | string;
  created_at: string;
}

const toPack = (r: PackRow): CreditPack => ({
  id: r.id,
  name: r.name,
  credits: Number(r.credits),
  priceFen: Number(r.price_fen),
  active: Boolean(Number(r.active)),
  sort: Number(r.sort),
  createdAt: isoOrNull(r.created_at)!,
});

export type PackInput = Pick<CreditPack, 'name' | 'credits' | 'priceFen' | 'active' | 'sort'>;

/** `credit_packs`: what the console sells beside the membership. Packs are never deleted (orders name them). */
export class CreditPacksRepository {
  async list(db: Db, activeOnly: boolean): Promise<CreditPack[]> {
    const found = await rows<PackRow>(
      db,
      `SELECT * FROM credit_packs ${activeOnly ? 'WHERE active = 1' : ''} ORDER BY sort, price_fen, id`,
    );
    return found.map(toPack);
  }

  async find(db: Db, id: string): Promise<CreditPack | null> {
    const [r] = await rows<PackRow>(db, 'SELECT * FROM credit_packs WHERE id = ?', [id]);
    return r ? toPack(r) : null;
  }

  /** Inserts a pack; null when its name is taken. */
  async insert(db: Db, p: PackInput, now: Date): Promise<CreditPack | null> {
    const id = randomUUID();
    const t = toDbTime(now);
    try {
      await db.query(
        'INSERT INTO credit_packs (id, name, credits, price_fen, active, sort, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [id, p.name, p.credits, p.priceFen, p.active ? 1 : 0, p.sort, t, t],
      );
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
    return this.find(db, id);
  }

  /** Changes a pack; 'missing' or 'taken' (another pack has the name) when it cannot. */
  async update(db: Db, id: string, p: PackInput, now: Date): Promise<CreditPack | 'missing' | 'taken'> {
    try {
      const changed = await execute(
        db,
        'UPDATE credit_packs SET name = ?, credits = ?, price_fen = ?, active = ?, sort = ?, updated_at = ? WHERE id = ?',
        [p.name, p.credits, p.priceFen, p.active ? 1 : 0, p.sort, toDbTime(now), id],
      );
      if (!changed) return 'missing';
    } catch (err) {
      if (isUniqueViolation(err)) return 'taken';
      throw err;
    }
    return (await this.find(db, id)) ?? 'missing';
  }

  async count(db: Db): Promise<number> {
    const [r] = await rows<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM credit_packs');
    return Number(r?.n ?? 0);
  }
}
