import { randomUUID } from 'node:crypto';
import { toDbTime } from '../../db/time';
import { rows, type Db } from '../../db/transaction';

export type AdminRole = 'admin' | 'operator';

export interface AdminUserRow {
  id: string;
  username: string;
  password_hash: string;
  role: AdminRole;
  created_at: string;
}

/** Queries on `admin_users` (console accounts; merchants live in `users`). */
export class AdminUsersRepository {
  async findByUsername(db: Db, username: string): Promise<AdminUserRow | null> {
    return (await rows<AdminUserRow>(db, 'SELECT * FROM admin_users WHERE username = ?', [username]))[0] ?? null;
  }

  async findById(db: Db, id: string): Promise<AdminUserRow | null> {
    return (await rows<AdminUserRow>(db, 'SELECT * FROM admin_users WHERE id = ?', [id]))[0] ?? null;
  }

  async count(db: Db): Promise<number> {
    const [row] = await rows<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM admin_users');
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
}
