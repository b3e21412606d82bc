import type { DataSource } from 'typeorm';
import { LedgerService } from '../modules/ledger/ledger.service';

export interface SystemInvariantReport {
  ok: boolean;
  users: number;
  tasks: Record<string, number>;
  paidOrders: number;
  problems: string[];
}

/**
 * The money and task rules a whole system must keep whatever failed (issue "scale-out", fault
 * tests): for every user the ledger sums to the balance, which is never negative
 * (LedgerService.checkInvariant); every failed or canceled task that reserved credits was
 * refunded exactly once and no other task was; every paid order granted exactly once and no
 * other order did; and, when `settled` is asked, no task is left queued or processing.
 */
export async function checkSystemInvariant(
  db: DataSource,
  options: { settled?: boolean } = {},
): Promise<SystemInvariantReport> {
  const problems: string[] = [];
  const ledger = new LedgerService(db);
  const users = (await db.query('SELECT id FROM users')) as Array<{ id: string }>;
  for (const { id } of users) {
    const report = await ledger.checkInvariant(id);
    if (!report.ok) problems.push(`user ${id}: ${report.problems.join('; ')}`);
  }

  const tasks = (await db.query(`
    SELECT t.id, t.status,
      (SELECT COUNT(*) FROM quota_ledger l WHERE l.task_id = t.id AND l.kind = 'reserve' AND l.delta < 0) AS reserves,
      (SELECT COUNT(*) FROM quota_ledger l WHERE l.task_id = t.id AND l.kind = 'refund') AS refunds
    FROM tasks t`)) as Array<{ id: string; status: string; reserves: number | string; refunds: number | string }>;
  const byStatus: Record<string, number> = {};
  for (const task of tasks) {
    byStatus[task.status] = (byStatus[task.status] ?? 0) + 1;
    const reserves = Number(task.reserves);
    const refunds = Number(task.refunds);
    const refundDue = (task.status === 'failed' || task.status === 'canceled') && reserves > 0 ? 1 : 0;
    if (reserves > 1) problems.push(`task ${task.id}: reserved ${reserves} times`);
    if (refunds !== refundDue)
      problems.push(`task ${task.id} (${task.status}): ${refunds} refunds, expected ${refundDue}`);
    if (options.settled && !['done', 'failed', 'canceled'].includes(task.status))
      problems.push(`task ${task.id} is still ${task.status}`);
  }

  const orders = (await db.query(`
    SELECT o.id, o.status,
      (SELECT COUNT(*) FROM quota_ledger l WHERE l.order_id = o.id AND l.kind = 'grant') AS grants
    FROM orders o`)) as Array<{ id: string; status: string; grants: number | string }>;
  let paidOrders = 0;
  for (const order of orders) {
    const grants = Number(order.grants);
    if (order.status === 'paid') paidOrders += 1;
    const due = order.status === 'paid' ? 1 : 0;
    if (grants !== due) problems.push(`order ${order.id} (${order.status}): ${grants} grants, expected ${due}`);
  }
  return { ok: problems.length === 0, users: users.length, tasks: byStatus, paidOrders, problems };
}
