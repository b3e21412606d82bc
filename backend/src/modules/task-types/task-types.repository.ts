import { toDbTime, isoOrNull } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';
import { freezeDefinition, type AdminTaskType, type TaskTypeDefinition } from './task-type.schema';

export interface TaskTypeRow {
  code: string;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  sample_image_url: string | null;
  webhook_path: string;
  credits: number;
  deadline_seconds: number;
  inputs: string;
  params: string;
  outputs: number;
  cacheable: number;
  enabled: number;
  sort: number;
  prompt_template: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = [
  'name_zh',
  'name_en',
  'description_zh',
  'description_en',
  'sample_image_url',
  'webhook_path',
  'credits',
  'deadline_seconds',
  'inputs',
  'params',
  'outputs',
  'cacheable',
  'enabled',
  'sort',
  'prompt_template',
];

/** Every column of `task_types`, as `SELECT *` answers them (a create's one read names them: tasks/create-reads.repository.ts). */
export const TASK_TYPE_ROW_COLUMNS: ReadonlyArray<keyof TaskTypeRow> = [
  'code',
  ...COLUMNS,
  'created_at',
  'updated_at',
] as Array<keyof TaskTypeRow>;

function values(def: TaskTypeDefinition): unknown[] {
  return [
    def.name.zh,
    def.name.en,
    def.description.zh,
    def.description.en,
    def.sampleImageUrl,
    def.webhookPath,
    def.credits,
    def.deadlineSeconds,
    JSON.stringify(def.inputs),
    JSON.stringify(def.params),
    def.outputs,
    def.cacheable ? 1 : 0,
    def.enabled ? 1 : 0,
    def.sort,
    def.promptTemplate,
  ];
}

function toDefinition(row: TaskTypeRow): AdminTaskType {
  return {
    key: row.code,
    name: { zh: row.name_zh, en: row.name_en },
    description: { zh: row.description_zh, en: row.description_en },
    sampleImageUrl: row.sample_image_url,
    webhookPath: row.webhook_path,
    credits: Number(row.credits),
    deadlineSeconds: Number(row.deadline_seconds),
    inputs: JSON.parse(row.inputs) as AdminTaskType['inputs'],
    params: JSON.parse(row.params) as AdminTaskType['params'],
    outputs: Number(row.outputs),
    cacheable: Boolean(Number(row.cacheable)),
    enabled: Boolean(Number(row.enabled)),
    sort: Number(row.sort),
    promptTemplate: row.prompt_template,
    createdAt: isoOrNull(row.created_at)!,
    updatedAt: isoOrNull(row.updated_at)!,
  };
}

/** Every column of `a` equals the same column of `b` (dates by their time, whichever the driver answers). */
function sameRow(a: TaskTypeRow, b: TaskTypeRow): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const columns = Object.keys(y);
  if (Object.keys(x).length !== columns.length) return false;
  for (const column of columns) {
    const u = x[column];
    const v = y[column];
    if (u !== v && !(u instanceof Date && v instanceof Date && u.getTime() === v.getTime())) return false;
  }
  return true;
}

/** A handful of types exist; the bound only guards against a pathological number of them. */
const MAX_CACHED_DEFINITIONS = 500;

/** Queries on `task_types` (the key is stored as `code`: `key` is a reserved word in MySQL). */
export class TaskTypesRepository {
  /** The last definition built for each key, with the row it was built from. */
  private readonly forCreateCache = new Map<string, { row: TaskTypeRow; def: TaskTypeDefinition }>();

  async list(db: Db, enabledOnly: boolean): Promise<AdminTaskType[]> {
    const found = await rows<TaskTypeRow>(
      db,
      `SELECT * FROM task_types ${enabledOnly ? 'WHERE enabled = 1' : ''} ORDER BY sort, code`,
    );
    return found.map(toDefinition);
  }

  async find(db: Db, key: string): Promise<AdminTaskType | null> {
    const found = await rows<TaskTypeRow>(db, 'SELECT * FROM task_types WHERE code = ?', [key]);
    return found[0] ? toDefinition(found[0]) : null;
  }

  /**
   * The definition a create freezes into its tasks (no timestamps), deeply frozen and shared.
   * The row is read every time, so an edit made anywhere (another replica, a migration, a SQL
   * console) is what the next create sees; only the parse and the object are reused, while every
   * column still equals the row they were built from. Reusing the object also lets
   * `typeVersionOf` (tasks/task-type-versions.ts) hash it once rather than per create.
   */
  async findForCreate(db: Db, key: string, read?: { row: TaskTypeRow | null }): Promise<TaskTypeDefinition | null> {
    // `read`: the row as the create's one read just answered it (same columns as `SELECT *`).
    const row = read ? read.row : (await rows<TaskTypeRow>(db, 'SELECT * FROM task_types WHERE code = ?', [key]))[0];
    if (!row) return null;
    const cached = this.forCreateCache.get(key);
    if (cached && sameRow(cached.row, row)) return cached.def;
    const { createdAt: _c, updatedAt: _u, ...def } = toDefinition(row);
    void _c;
    void _u;
    if (this.forCreateCache.size >= MAX_CACHED_DEFINITIONS && !cached) this.forCreateCache.clear();
    this.forCreateCache.set(key, { row, def: freezeDefinition(def) });
    return def;
  }

  async insert(db: Db, def: TaskTypeDefinition, now: Date): Promise<void> {
    const t = toDbTime(now);
    await db.query(
      `INSERT INTO task_types (code, ${COLUMNS.join(', ')}, created_at, updated_at)
       VALUES (${['?', ...COLUMNS.map(() => '?'), '?', '?'].join(', ')})`,
      [def.key, ...values(def), t, t],
    );
  }

  async update(db: Db, def: TaskTypeDefinition, now: Date): Promise<void> {
    await execute(
      db,
      `UPDATE task_types SET ${COLUMNS.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE code = ?`,
      [...values(def), toDbTime(now), def.key],
    );
  }
}
