import { randomUUID } from 'node:crypto';
import type { Camel } from '../../db/camel';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';
import type { ChannelName } from './payments.config';

export type OrderStatus = 'pending' | 'paid' | 'closed' | 'failed';

interface OrderRow {
  id: string;
  user_id: string;
  plan_id: string;
  amount_fen: number;
  channel: ChannelName;
  status: OrderStatus;
  out_trade_no: string;
  transaction_id: string | null;
  created_at: string;
  paid_at: string | null;
  updated_at: string;
  /** A credit pack order: the pack, its name and credits as sold (null for the membership). */
  pack_id: string | null;
  item_name: string | null;
  credits: number | null;
  /** How the payer pays (the channel's scene) and what the channel answered (JSON), kept to resume a pending order. */
  scene: string | null;
  pay_params: string | null;
}

/** What a resumable order must match: the same thing bought, the same way, for the same amount. */
export interface ResumeMatch {
  planId: string;
  packId: string | null;
  amountFen: number;
  channel: ChannelName;
  scene: string;
}

export interface OrderFilter {
  status?: OrderStatus;
  channel?: ChannelName;
  userId?: string;
  from?: Date;
  to?: Date;
}

/** An order as the rest of the backend sees it (camelCase; amounts as numbers on every driver). */
export type Order = Camel<OrderRow>;

/** Row → Order, at this repository's edge. */
function toOrder(r: OrderRow): Order {
  return {
    id: r.id,
    userId: r.user_id,
    planId: r.plan_id,
    amountFen: Number(r.amount_fen),
    channel: r.channel,
    status: r.status,
    outTradeNo: r.out_trade_no,
    transactionId: r.transaction_id,
    createdAt: r.created_at,
    paidAt: r.paid_at,
    updatedAt: r.updated_at,
    packId: r.pack_id,
    itemName: r.item_name,
    credits: r.credits === null || r.credits === undefined ? null : Number(r.credits),
    scene: r.scene,
    payParams: r.pay_params,
  };
}

/** What an order sells beside the plan id: a credit pack, fixed when the order is made. */
export interface OrderPack {
  id: string;
  name: string;
  credits: number;
}

/** Queries on `orders`; merchant-facing reads are always scoped by user id. */
export class OrdersRepository {
  async create(
    db: Db,
    o: {
      userId: string;
      planId: string;
      amountFen: number;
      channel: ChannelName;
      outTradeNo: string;
      pack?: OrderPack | null;
      scene?: string | null;
    },
    now: Date,
  ): Promise<Order> {
    const id = randomUUID();
    const t = toDbTime(now);
    await db.query(
      "INSERT INTO orders (id, user_id, plan_id, amount_fen, channel, status, out_trade_no, transaction_id, created_at, paid_at, updated_at, pack_id, item_name, credits, scene) VALUES (?, ?, ?, ?, ?, 'pending', ?, NULL, ?, NULL, ?, ?, ?, ?, ?)",
      [
        id,
        o.userId,
        o.planId,
        o.amountFen,
        o.channel,
        o.outTradeNo,
        t,
        t,
        o.pack?.id ?? null,
        o.pack?.name ?? null,
        o.pack?.credits ?? null,
        o.scene ?? null,
      ],
    );
    return (await this.findById(db, id))!;
  }

  /** Keeps the channel's answer on a pending order so it can be resumed. */
  async savePayParams(db: Db, id: string, payParams: Record<string, unknown>): Promise<void> {
    await execute(db, "UPDATE orders SET pay_params = ? WHERE id = ? AND status = 'pending'", [
      JSON.stringify(payParams),
      id,
    ]);
  }

  /**
   * The newest pending order of this user created after `since` that still has its pay params,
   * optionally only one that sells the same thing the same way (`match`).
   */
  async findResumable(db: Db, userId: string, since: Date, match?: ResumeMatch): Promise<Order | null> {
    const where = ['user_id = ?', "status = 'pending'", 'created_at > ?', 'pay_params IS NOT NULL'];
    const params: unknown[] = [userId, toDbTime(since)];
    if (match) {
      where.push('plan_id = ?', 'amount_fen = ?', 'channel = ?', 'scene = ?');
      params.push(match.planId, match.amountFen, match.channel, match.scene);
      if (match.packId === null) where.push('pack_id IS NULL');
      else {
        where.push('pack_id = ?');
        params.push(match.packId);
      }
    }
    const r = (
      await rows<OrderRow>(
        db,
        `SELECT * FROM orders WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT 1`,
        params,
      )
    )[0];
    return r ? toOrder(r) : null;
  }

  async findById(db: Db, id: string): Promise<Order | null> {
    const r = (await rows<OrderRow>(db, 'SELECT * FROM orders WHERE id = ?', [id]))[0];
    return r ? toOrder(r) : null;
  }

  async findForUser(db: Db, userId: string, id: string): Promise<Order | null> {
    const r = (await rows<OrderRow>(db, 'SELECT * FROM orders WHERE id = ? AND user_id = ?', [id, userId]))[0];
    return r ? toOrder(r) : null;
  }

  async findByOutTradeNo(db: Db, outTradeNo: string): Promise<Order | null> {
    const r = (await rows<OrderRow>(db, 'SELECT * FROM orders WHERE out_trade_no = ?', [outTradeNo]))[0];
    return r ? toOrder(r) : null;
  }

  /**
   * Marks the order paid unless it already is: the conditional update is what makes a replayed
   * notify a no-op (it takes the row lock; the loser sees 0 rows changed). A `closed` or
   * `failed` order that the channel reports paid is still settled — the merchant's money
   * arrived (a reconcile may have seen an earlier failed attempt, e.g. WeChat's PAYERROR).
   */
  async markPaid(db: Db, id: string, transactionId: string | null, now: Date): Promise<boolean> {
    const t = toDbTime(now);
    return (
      (await execute(
        db,
        "UPDATE orders SET status = 'paid', transaction_id = ?, paid_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'closed', 'failed')",
        [transactionId, t, t, id],
      )) === 1
    );
  }

  async setStatus(db: Db, id: string, from: OrderStatus, to: OrderStatus, now: Date): Promise<boolean> {
    return (
      (await execute(db, 'UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?', [
        to,
        toDbTime(now),
        id,
        from,
      ])) === 1
    );
  }

  /** How many paid orders the user has (read inside the settling transaction). */
  async paidCount(db: Db, userId: string): Promise<number> {
    const [r] = await rows<{ n: number | string }>(
      db,
      "SELECT COUNT(*) AS n FROM orders WHERE user_id = ? AND status = 'paid'",
      [userId],
    );
    return Number(r?.n ?? 0);
  }

  /** Pending orders created before `olderThan`, oldest first. */
  async pendingBefore(db: Db, olderThan: Date, limit: number): Promise<Order[]> {
    return (
      await rows<OrderRow>(
        db,
        "SELECT * FROM orders WHERE status = 'pending' AND created_at <= ? ORDER BY created_at LIMIT ?",
        [toDbTime(olderThan), limit],
      )
    ).map(toOrder);
  }

  async list(
    db: Db,
    f: OrderFilter,
    limit: number,
    offset: number,
  ): Promise<{
    items: Array<Order & { phone: string | null }>;
    total: number;
    paidCount: number;
    paidAmountFen: number;
  }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (f.status) add('o.status = ?', f.status);
    if (f.channel) add('o.channel = ?', f.channel);
    if (f.userId) add('o.user_id = ?', f.userId);
    if (f.from) add('o.created_at >= ?', toDbTime(f.from));
    if (f.to) add('o.created_at < ?', toDbTime(f.to));
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const items = await rows<OrderRow & { phone: string | null }>(
      db,
      `SELECT o.*, u.phone FROM orders o LEFT JOIN users u ON u.id = o.user_id ${clause} ORDER BY o.created_at DESC, o.id DESC LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    );
    const [totals] = await rows<{ n: number | string; paid: number | string | null; amount: number | string | null }>(
      db,
      `SELECT COUNT(*) AS n, SUM(CASE WHEN o.status = 'paid' THEN 1 ELSE 0 END) AS paid, SUM(CASE WHEN o.status = 'paid' THEN o.amount_fen ELSE 0 END) AS amount FROM orders o ${clause}`,
      params,
    );
    return {
      items: items.map((r) => ({ ...toOrder(r), phone: r.phone })),
      total: Number(totals?.n ?? 0),
      paidCount: Number(totals?.paid ?? 0),
      paidAmountFen: Number(totals?.amount ?? 0),
    };
  }
}
