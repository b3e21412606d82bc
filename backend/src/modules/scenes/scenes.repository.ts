import { randomUUID } from 'node:crypto';
import { toCamel, type Camel } from '../../db/camel';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

/** `scene` rows are backgrounds; `garment` rows are clothing categories. Both carry a prompt fragment. */
export type CatalogKind = 'scene' | 'garment';

interface SceneRow {
  id: string;
  code: string;
  name: string;
  name_en: string | null;
  category: CatalogKind;
  prompt_fragment: string;
  thumbnail_key: string | null;
  active: number;
  sort: number;
  created_at: string;
  updated_at: string;
}

/** A scene or garment category as services see it. */
export type Scene = Camel<SceneRow>;

const mapped = (found: SceneRow[]): Scene[] => found.map((row) => toCamel(row));

export interface NewScene {
  code: string;
  name: string;
  nameEn: string | null;
  category: CatalogKind;
  promptFragment: string;
  thumbnailKey: string | null;
  active: boolean;
  sort: number;
}

export type SceneChanges = Partial<Omit<NewScene, 'code' | 'category'>>;

const COLUMNS: Record<keyof SceneChanges, string> = {
  name: 'name',
  nameEn: 'name_en',
  promptFragment: 'prompt_fragment',
  thumbnailKey: 'thumbnail_key',
  active: 'active',
  sort: 'sort',
};

/** Queries on `scenes`. The catalog is global (not per merchant), so nothing here is user-scoped. */
export class ScenesRepository {
  async list(db: Db, filter: { activeOnly?: boolean; kind?: CatalogKind } = {}): Promise<Scene[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.activeOnly) where.push('active = 1');
    if (filter.kind) {
      where.push('category = ?');
      params.push(filter.kind);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return mapped(await rows<SceneRow>(db, `SELECT * FROM scenes ${clause} ORDER BY category, sort, code`, params));
  }

  async findById(db: Db, id: string): Promise<Scene | null> {
    return mapped(await rows<SceneRow>(db, 'SELECT * FROM scenes WHERE id = ?', [id]))[0] ?? null;
  }

  async findByCodes(db: Db, codes: string[]): Promise<Scene[]> {
    if (!codes.length) return [];
    return mapped(
      await rows<SceneRow>(db, `SELECT * FROM scenes WHERE code IN (${codes.map(() => '?').join(', ')})`, codes),
    );
  }

  /** Inserts a row; a duplicate code surfaces as the driver's unique violation. */
  async insert(db: Db, scene: NewScene, now = new Date()): Promise<string> {
    const id = randomUUID();
    const t = toDbTime(now);
    await db.query(
      'INSERT INTO scenes (id, code, name, name_en, category, prompt_fragment, thumbnail_key, active, sort, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        scene.code,
        scene.name,
        scene.nameEn,
        scene.category,
        scene.promptFragment,
        scene.thumbnailKey,
        scene.active ? 1 : 0,
        scene.sort,
        t,
        t,
      ],
    );
    return id;
  }

  /** Applies only the given fields; false when the row does not exist. */
  async update(db: Db, id: string, changes: SceneChanges, now = new Date()): Promise<boolean> {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [toDbTime(now)];
    for (const [field, column] of Object.entries(COLUMNS) as Array<[keyof SceneChanges, string]>) {
      const value = changes[field];
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    return (await execute(db, `UPDATE scenes SET ${sets.join(', ')} WHERE id = ?`, [...params, id])) > 0;
  }

  async delete(db: Db, id: string): Promise<boolean> {
    return (await execute(db, 'DELETE FROM scenes WHERE id = ?', [id])) > 0;
  }
}
