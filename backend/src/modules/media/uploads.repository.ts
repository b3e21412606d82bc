import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../db/db-errors';
import { toCamel, type Camel } from '../../db/camel';
import { toDbTime } from '../../db/time';
import { rows, type Db } from '../../db/transaction';

export interface UploadRow {
  id: string;
  user_id: string;
  storage_key: string;
  sha256: string;
  size: number;
  mime: string;
  width: number;
  height: number;
  created_at: string;
  /** The file name the upload came with (cleaned; the latest one for the same bytes), null when none. */
  original_name: string | null;
}

/** An upload as services see it. */
export type Upload = Camel<UploadRow>;

export type NewUpload = Pick<
  Upload,
  'userId' | 'storageKey' | 'sha256' | 'size' | 'mime' | 'width' | 'height' | 'originalName'
>;

/** Every column of `uploads`, as `SELECT *` answers them (a create's one read names them: tasks/create-reads.repository.ts). */
export const UPLOAD_ROW_COLUMNS: ReadonlyArray<keyof UploadRow> = [
  'id',
  'user_id',
  'storage_key',
  'sha256',
  'size',
  'mime',
  'width',
  'height',
  'created_at',
  'original_name',
];

export const toUpload = (row: UploadRow): Upload => toCamel(row);

const first = (found: UploadRow[]): Upload | null => (found[0] ? toUpload(found[0]) : null);

/** Queries on `uploads`; every lookup is scoped by the owner's id. */
export class UploadsRepository {
  async findByUserAndSha(db: Db, userId: string, sha256: string): Promise<Upload | null> {
    return first(await rows<UploadRow>(db, 'SELECT * FROM uploads WHERE user_id = ? AND sha256 = ?', [userId, sha256]));
  }

  async findByUserAndKey(db: Db, userId: string, key: string): Promise<Upload | null> {
    return first(
      await rows<UploadRow>(db, 'SELECT * FROM uploads WHERE user_id = ? AND storage_key = ?', [userId, key]),
    );
  }

  /** The same bytes came again under another name: the newest name is the one shown from now on. */
  async rename(db: Db, id: string, name: string): Promise<void> {
    await db.query('UPDATE uploads SET original_name = ? WHERE id = ?', [name, id]);
  }

  async countByUser(db: Db, userId: string): Promise<number> {
    const [row] = await rows<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM uploads WHERE user_id = ?', [
      userId,
    ]);
    return Number(row?.n ?? 0);
  }

  /**
   * Records an upload once per (user, content). A concurrent upload of the same bytes hits the
   * unique key; both callers then get the one stored row, and `created` says who wrote it.
   */
  async insertOnce(db: Db, upload: NewUpload, now = new Date()): Promise<{ row: Upload; created: boolean }> {
    try {
      await db.query(
        'INSERT INTO uploads (id, user_id, storage_key, sha256, size, mime, width, height, original_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          randomUUID(),
          upload.userId,
          upload.storageKey,
          upload.sha256,
          upload.size,
          upload.mime,
          upload.width,
          upload.height,
          upload.originalName,
          toDbTime(now),
        ],
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.findByUserAndSha(db, upload.userId, upload.sha256);
      if (existing) return { row: existing, created: false };
      throw err;
    }
    const row = await this.findByUserAndSha(db, upload.userId, upload.sha256);
    if (!row) throw new Error('upload row vanished right after insert');
    return { row, created: true };
  }
}
