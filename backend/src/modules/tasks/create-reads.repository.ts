import { rows, type Db } from '../../db/transaction';
import { toUpload, UPLOAD_ROW_COLUMNS, type Upload, type UploadRow } from '../media/uploads.repository';
import { TASK_TYPE_ROW_COLUMNS, type TaskTypeRow } from '../task-types/task-types.repository';
import type { AccountStanding } from './task-ports';

/**
 * What a create reads before deciding anything, in ONE statement: the task type's row, the
 * caller's upload under the given key, and the caller's account. On MariaDB each statement is a
 * round trip, and a create refused for its balance made three of them; their rows are the same as
 * the three reads gave (the same columns: `create-reads.integration.test.ts` compares them), and
 * each is still judged by its own module, in the same order (type, then input, then credits).
 *
 * Scoped by the caller: the upload is joined on `uploads.user_id = users.id` for the caller's id
 * only, so another merchant's upload under that key is simply not found, as before.
 */
export interface CreateReads {
  /** The type's row, null when no type has this key. */
  type: { row: TaskTypeRow | null };
  /** The caller's upload under the key asked for, null when the caller has none; absent when no key was asked. */
  upload?: { row: Upload | null };
  account: AccountStanding;
}

const TYPE = 't_';
const UPLOAD = 'u_';
const SELECT_LIST = [
  'a.quota_remaining AS a_quota_remaining',
  'a.is_member AS a_is_member',
  'a.quota_expire_at AS a_quota_expire_at',
  ...TASK_TYPE_ROW_COLUMNS.map((c) => `t.${c} AS ${TYPE}${c}`),
  ...UPLOAD_ROW_COLUMNS.map((c) => `u.${c} AS ${UPLOAD}${c}`),
].join(', ');

const SQL =
  `SELECT ${SELECT_LIST} FROM users a ` +
  'LEFT JOIN task_types t ON t.code = ? ' +
  'LEFT JOIN uploads u ON u.user_id = a.id AND u.storage_key = ? ' +
  'WHERE a.id = ?';

type Joined = Record<string, unknown> & {
  a_quota_remaining: number | string;
  a_is_member: number | string;
  a_quota_expire_at: string | null;
};

function part<T>(row: Joined, prefix: string, columns: ReadonlyArray<string>): T {
  return Object.fromEntries(columns.map((c) => [c, row[prefix + c]])) as T;
}

/**
 * The three reads of a create by `userId` of `typeKey` on `inputKey` (null: no upload looked
 * up, as for a batch or a `task` slot). Null when the user does not exist; the caller then reads
 * as before and answers what those reads answer.
 */
export async function readForCreate(
  db: Db,
  userId: string,
  typeKey: string,
  inputKey: string | null,
): Promise<CreateReads | null> {
  const [row] = await rows<Joined>(db, SQL, [typeKey, inputKey, userId]);
  if (!row) return null;
  return {
    type: { row: row[`${TYPE}code`] == null ? null : part<TaskTypeRow>(row, TYPE, TASK_TYPE_ROW_COLUMNS) },
    upload:
      inputKey === null
        ? undefined
        : { row: row[`${UPLOAD}id`] == null ? null : toUpload(part<UploadRow>(row, UPLOAD, UPLOAD_ROW_COLUMNS)) },
    account: {
      quotaRemaining: Number(row.a_quota_remaining),
      isMember: Number(row.a_is_member),
      quotaExpireAt: row.a_quota_expire_at,
    },
  };
}
