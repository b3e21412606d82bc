import { randomUUID } from 'node:crypto';
import { toCamel, type Camel } from '../../db/camel';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

export type AdminRole = 'admin' | 'operator';

interface AdminUserRow {
  id: string;
  username: string;
  password_hash: string;
  role: AdminRole;
  created_at: string;
  /** Set while the account is switched off; null for an active account. */
  disabled_at: string | null;
}

/** A console account as services see it (`passwordHash`, `createdAt`, `disabledAt`). */
export type AdminUser = Camel<AdminUserRow>;

const mapped = (found: AdminUserRow[]): AdminUser[] => found.map((row) => toCamel(row));

/** What an account change may set; absent fields stay as they are. */
export interface AdminUserChange {
  role?: AdminRole;
  passwordHash?: string;
  /** A time disables the account, null enables it again. */
  disabledAt?: Date | null;
}

/** Queries on `admin_users` (console accounts; merchants live in `users`). */
export class AdminUsersRepository {
  async findByUsername(db: Db, username: string): Promise<AdminUser | null> {
    return mapped(await rows<AdminUserRow>(db, 'SELECT * FROM admin_users WHERE username = ?', [username]))[0] ?? null;
  }

  async findById(db: Db, id: string): Promise<AdminUser | null> {
    return mapped(await rows<AdminUserRow>(db, 'SELECT * FROM admin_users WHERE id = ?', [id]))[0] ?? null;
  }

  /** Every account, oldest first (a console has a handful; no paging needed). */
  async list(db: Db): Promise<AdminUser[]> {
    return mapped(await rows<AdminUserRow>(db, 'SELECT * FROM admin_users ORDER BY created_at, username'));
  }

  async count(db: Db): Promise<number> {
    const [row] = await rows<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM admin_users');
    return Number(row?.n ?? 0);
  }

  /**
   * Takes the row locks of every active admin (a no-op write: SQLite has no FOR UPDATE and
   * serializes transactions anyway), then counts them, so two concurrent demotions cannot both
   * see "another admin is left". Call inside a transaction.
   */
  async lockAndCountActiveAdmins(db: Db): Promise<number> {
    await execute(db, "UPDATE admin_users SET role = role WHERE role = 'admin' AND disabled_at IS NULL");
    const [row] = await rows<{ n: number | string }>(
      db,
      "SELECT COUNT(*) AS n FROM admin_users WHERE role = 'admin' AND disabled_at IS NULL",
    );
    return Number(row?.n ?? 0);
  }

  /** Inserts an account; a duplicate username surfaces as a unique violation (see isUniqueViolation). */
  async insert(db: Db, admin: { username: string; passwordHash: string; role: AdminRole; now: Date }): Promise<string> {
    const id = randomUUID();
    await db.query('INSERT INTO admin_users (id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      admin.username,
      admin.passwordHash,
      admin.role,
      toDbTime(admin.now),
    ]);
    return id;
  }

  async update(db: Db, id: string, change: AdminUserChange): Promise<void> {
    const columns: Array<[string, unknown]> = [];
    if (change.role !== undefined) columns.push(['role', change.role]);
    if (change.passwordHash !== undefined) columns.push(['password_hash', change.passwordHash]);
    if (change.disabledAt !== undefined)
      columns.push(['disabled_at', change.disabledAt && toDbTime(change.disabledAt)]);
    if (!columns.length) return;
    await execute(db, `UPDATE admin_users SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [
      ...columns.map(([, v]) => v),
      id,
    ]);
  }
}
