import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../db/db-errors';
import { isoOrNull } from '../../db/time';
import type { Db } from '../../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/app-error';
import { ScenesRepository, type CatalogKind, type Scene } from './scenes.repository';
import type { AdminScene, CreateSceneInput, UpdateSceneInput } from './scenes.schemas';

/** Turns a stored thumbnail key into a URL a browser can load (signed, CDN, …); undefined hides it. */
export type ThumbnailUrlResolver = (key: string) => string | undefined | Promise<string | undefined>;

export interface PublicCatalog {
  scenes: Array<{ code: string; name: string; nameEn: string | null; thumbnailUrl?: string }>;
  categories: Array<{ code: string; name: string; nameEn: string | null }>;
}

/** The prompt fragments of one valid selection; server-side only. */
export interface SelectionFragments {
  scene: string;
  category: string;
}

/** Without a storage module, only keys that already are absolute URLs are shown. */
const absoluteUrlsOnly: ThumbnailUrlResolver = (key) => (/^https?:\/\//.test(key) ? key : undefined);

/**
 * The scene × garment-category catalog: what merchants may pick, what operators edit, and the
 * server-side prompt fragments behind each code.
 */
export class ScenesService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo = new ScenesRepository(),
    private readonly thumbnailUrl: ThumbnailUrlResolver = absoluteUrlsOnly,
  ) {}

  /** Active entries, sorted, stripped to what a merchant may see. */
  async publicCatalog(): Promise<PublicCatalog> {
    const active = await this.repo.list(this.ds.manager, { activeOnly: true });
    const scenes: PublicCatalog['scenes'] = [];
    const categories: PublicCatalog['categories'] = [];
    for (const row of active) {
      if (row.category === 'garment') {
        categories.push({ code: row.code, name: row.name, nameEn: row.nameEn });
        continue;
      }
      const thumbnailUrl = row.thumbnailKey ? await this.thumbnailUrl(row.thumbnailKey) : undefined;
      scenes.push({ code: row.code, name: row.name, nameEn: row.nameEn, ...(thumbnailUrl ? { thumbnailUrl } : {}) });
    }
    return { scenes, categories };
  }

  async listForAdmin(kind?: CatalogKind): Promise<AdminScene[]> {
    const all = await this.repo.list(this.ds.manager, { kind });
    return Promise.all(all.map((row) => this.toAdmin(row)));
  }

  async create(input: CreateSceneInput): Promise<AdminScene> {
    let id: string;
    try {
      id = await this.repo.insert(this.ds.manager, input);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError(`The code "${input.code}" is already used`, 'SCENE_CODE_TAKEN');
      throw err;
    }
    return this.getForAdmin(id);
  }

  async update(id: string, changes: UpdateSceneInput): Promise<AdminScene> {
    // Existence is checked by reading: MySQL reports "changed", not "matched", rows on UPDATE.
    await this.getForAdmin(id);
    await this.repo.update(this.ds.manager, id, changes);
    return this.getForAdmin(id);
  }

  /**
   * Removes the entry. Existing tasks keep the code in their params, so history stays
   * readable; deactivating (`active: false`) is the gentler way to retire an entry.
   */
  async remove(id: string): Promise<void> {
    if (!(await this.repo.delete(this.ds.manager, id))) throw new NotFoundError('No such scene or category');
  }

  async getForAdmin(id: string): Promise<AdminScene> {
    const row = await this.repo.findById(this.ds.manager, id);
    if (!row) throw new NotFoundError('No such scene or category');
    return this.toAdmin(row);
  }

  /**
   * Refuses (400 VALIDATION_FAILED) a scene or category code that is unknown, inactive or of the
   * wrong kind. A code left undefined is not asked for (a task type may take only one of them).
   */
  async assertValid(scene: string | undefined, category: string | undefined, db: Db = this.ds.manager): Promise<void> {
    await this.fragmentsFor(scene, category, db);
  }

  /** The prompt fragments of a valid selection (validated exactly like `assertValid`). */
  async fragmentsFor(
    scene: string | undefined,
    category: string | undefined,
    db: Db = this.ds.manager,
  ): Promise<Partial<SelectionFragments>> {
    const asked = [scene, category].filter((c): c is string => c !== undefined);
    const found = asked.length ? await this.repo.findByCodes(db, [...new Set(asked)]) : [];
    const pick = (code: string, kind: CatalogKind): Scene | undefined =>
      found.find((row) => row.code === code && row.category === kind && Boolean(Number(row.active)));
    const sceneRow = scene === undefined ? undefined : pick(scene, 'scene');
    const categoryRow = category === undefined ? undefined : pick(category, 'garment');
    const problems: Record<string, string> = {};
    if (scene !== undefined && !sceneRow) problems.scene = `unknown or inactive scene "${scene}"`;
    if (category !== undefined && !categoryRow) problems.category = `unknown or inactive category "${category}"`;
    if (Object.keys(problems).length) throw new ValidationError('Unknown or inactive scene or category', problems);
    return { scene: sceneRow?.promptFragment, category: categoryRow?.promptFragment };
  }

  private async toAdmin(row: Scene): Promise<AdminScene> {
    const thumbnailUrl = row.thumbnailKey ? await this.thumbnailUrl(row.thumbnailKey) : undefined;
    return {
      id: row.id,
      code: row.code,
      name: row.name,
      nameEn: row.nameEn,
      category: row.category,
      promptFragment: row.promptFragment,
      thumbnailKey: row.thumbnailKey,
      ...(thumbnailUrl ? { thumbnailUrl } : {}),
      active: Boolean(Number(row.active)),
      sort: Number(row.sort),
      createdAt: isoOrNull(row.createdAt),
      updatedAt: isoOrNull(row.updatedAt),
    };
  }
}
