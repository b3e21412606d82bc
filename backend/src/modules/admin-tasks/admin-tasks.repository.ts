import { toDbTime } from '../../db/time';
import { rows, type Db } from '../../db/transaction';
import { toTasks, type Task, type TaskRow, type TaskStatus } from '../tasks/tasks.repository';

export interface AdminTaskFilter {
  status?: TaskStatus;
  type?: string;
  userId?: string;
  phone?: string;
  limit: number;
  offset: number;
}

/** A task with its merchant's phone, mapped like every task read (tasks.repository.ts toTasks). */
export type AdminTask = Task & { phone: string };
type AdminTaskRow = TaskRow & { phone: string };
async function toAdminTasks(db: Db, found: AdminTaskRow[]): Promise<AdminTask[]> {
  const tasks = await toTasks(db, found);
  return tasks.map((task, i) => ({ ...task, phone: found[i].phone }));
}

export interface DailyPoint {
  day: string;
  tasks: number;
  failed: number;
  paidOrders: number;
  revenueFen: number;
}

/** Cross-user reads for the admin console (never mounted on merchant routes). */
export class AdminTasksRepository {
  async list(db: Db, filter: AdminTaskFilter): Promise<{ items: AdminTask[]; total: number }> {
    const conditions: Array<[string, unknown]> = [];
    if (filter.status) conditions.push(['t.status = ?', filter.status]);
    if (filter.type) conditions.push(['t.type = ?', filter.type]);
    if (filter.userId) conditions.push(['t.user_id = ?', filter.userId]);
    if (filter.phone) conditions.push(['u.phone LIKE ?', `%${filter.phone.replace(/[\\%_]/g, '')}%`]);
    const where = conditions.map(([sql]) => sql);
    const params = conditions.map(([, value]) => value);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const from = `FROM tasks t JOIN users u ON u.id = t.user_id ${clause}`;
    const items = await rows<AdminTaskRow>(
      db,
      `SELECT t.*, u.phone ${from} ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?`,
      [...params, filter.limit, filter.offset],
    );
    const [{ n }] = await rows<{ n: number | string }>(db, `SELECT COUNT(*) AS n ${from}`, params);
    return { items: await toAdminTasks(db, items), total: Number(n) };
  }

  async findById(db: Db, id: string): Promise<AdminTask | null> {
    const [row] = await rows<AdminTaskRow>(
      db,
      'SELECT t.*, u.phone FROM tasks t JOIN users u ON u.id = t.user_id WHERE t.id = ?',
      [id],
    );
    return row ? (await toAdminTasks(db, [row]))[0] : null;
  }

  async stats(db: Db, now: Date, days: number) {
    const num = (v: unknown) => Number(v ?? 0);
    const [users] = await rows<Record<string, unknown>>(
      db,
      'SELECT COUNT(*) AS total, SUM(CASE WHEN is_member = 1 AND quota_expire_at > ? THEN 1 ELSE 0 END) AS members FROM users',
      [toDbTime(now)],
    );
    const [orders] = await rows<Record<string, unknown>>(
      db,
      "SELECT COUNT(*) AS total, SUM(CASE WHEN status = 'paid' THEN 1 ELSE 0 END) AS paid, SUM(CASE WHEN status = 'paid' THEN amount_fen ELSE 0 END) AS revenue FROM orders",
    );
    const byTypeStatus = await rows<{ type: string; status: string; n: unknown }>(
      db,
      'SELECT type, status, COUNT(*) AS n FROM tasks GROUP BY type, status',
    );
    const [refunds] = await rows<Record<string, unknown>>(
      db,
      "SELECT COUNT(*) AS n, SUM(delta) AS credits FROM quota_ledger WHERE kind = 'refund'",
    );
    const since = toDbTime(new Date(now.getTime() - (days - 1) * 86_400_000)).slice(0, 10);
    const taskDays = await rows<{ day: string; n: unknown; failed: unknown }>(
      db,
      "SELECT SUBSTR(created_at, 1, 10) AS day, COUNT(*) AS n, SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed FROM tasks WHERE created_at >= ? GROUP BY SUBSTR(created_at, 1, 10)",
      [since],
    );
    const orderDays = await rows<{ day: string; n: unknown; revenue: unknown }>(
      db,
      "SELECT SUBSTR(paid_at, 1, 10) AS day, COUNT(*) AS n, SUM(amount_fen) AS revenue FROM orders WHERE status = 'paid' AND paid_at >= ? GROUP BY SUBSTR(paid_at, 1, 10)",
      [since],
    );
    const daily: DailyPoint[] = [];
    for (let i = days - 1; i >= 0; i--) {
      const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
      const t = taskDays.find((d) => d.day === day);
      const o = orderDays.find((d) => d.day === day);
      daily.push({ day, tasks: num(t?.n), failed: num(t?.failed), paidOrders: num(o?.n), revenueFen: num(o?.revenue) });
    }
    const tasks: Record<string, Record<string, number>> = {};
    for (const r of byTypeStatus) (tasks[r.type] ??= {})[r.status] = num(r.n);
    return {
      users: { total: num(users.total), members: num(users.members) },
      orders: { total: num(orders.total), paid: num(orders.paid), revenueFen: num(orders.revenue) },
      tasks,
      refunds: { count: num(refunds.n), credits: num(refunds.credits) },
      daily,
    };
  }
}
