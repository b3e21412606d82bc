import { rows, type Db } from '../../db/transaction';
import { toUser, type User, type UserRow } from '../users/users.repository';

/**
 * Admin-side reads of merchants (not scoped by user: the admin role is checked by the route). Not
 * to be confused with admin-auth's AdminUsersRepository, which keeps the console accounts.
 */
export class AdminMerchantsRepository {
  async search(
    db: Db,
    phone: string | undefined,
    limit: number,
    offset: number,
  ): Promise<{ items: User[]; total: number }> {
    // Escape LIKE wildcards so a search for "1_3" means those characters, not a pattern.
    const where = phone ? "WHERE phone LIKE ? ESCAPE '!'" : '';
    const params = phone ? [`%${phone.replace(/[!%_]/g, (c) => `!${c}`)}%`] : [];
    const items = await rows<UserRow>(
      db,
      `SELECT * FROM users ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    );
    const [count] = await rows<{ n: number | string }>(db, `SELECT COUNT(*) AS n FROM users ${where}`, params);
    return { items: items.map(toUser), total: Number(count?.n ?? 0) };
  }

  /** Console usernames by account id (accounts are disabled, never deleted, so every id has one). */
  async adminNames(db: Db, ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const found = await rows<{ id: string; username: string }>(
      db,
      `SELECT id, username FROM admin_users WHERE id IN (${unique.map(() => '?').join(', ')})`,
      unique,
    );
    return new Map(found.map((r) => [r.id, r.username]));
  }
}
