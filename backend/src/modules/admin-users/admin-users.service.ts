import type { DataSource } from 'typeorm';
import { isoOrNull } from '../../db/time';
import { NotFoundError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import type { LedgerEntry } from '../ledger/ledger.repository';
import type { LedgerService } from '../ledger/ledger.service';
import { meOf, type User, type UsersRepository } from '../users/users.repository';
import type { AdminMerchantsRepository } from './admin-users.repository';

export interface Paging {
  page: number;
  pageSize: number;
}

export interface AdminUsersServiceDeps {
  db: DataSource;
  users: UsersRepository;
  merchants: AdminMerchantsRepository;
  ledger: LedgerService;
  logger: Logger;
}

function toAdminUser(u: User) {
  return { ...meOf(u), createdAt: isoOrNull(u.createdAt)! };
}

/** A ledger entry as the console lists it (LedgerEntry already holds numbers), naming the console account. */
function toConsoleLedgerEntry(r: LedgerEntry, adminUsername: string | null = null) {
  return {
    id: r.id,
    kind: r.kind,
    delta: r.delta,
    balanceAfter: r.balanceAfter,
    taskId: r.taskId,
    orderId: r.orderId,
    adminId: r.adminId,
    adminUsername: r.adminId ? adminUsername : null,
    reason: r.reason,
    createdAt: isoOrNull(r.createdAt)!,
  };
}

/** The console's view of merchants: search, their ledger, and credit adjustments through the ledger. */
export class AdminUsersService {
  constructor(private readonly deps: AdminUsersServiceDeps) {}

  /** Merchants, newest first, optionally those whose phone contains `phone`. */
  async search(query: Paging & { phone?: string }) {
    const { items, total } = await this.deps.merchants.search(
      this.deps.db.manager,
      query.phone,
      query.pageSize,
      (query.page - 1) * query.pageSize,
    );
    return { items: items.map(toAdminUser), total, page: query.page, pageSize: query.pageSize };
  }

  /** A merchant's ledger, newest first, naming the console account of each adjustment; 404 for no such merchant. */
  async ledger(userId: string, paging: Paging) {
    await this.findUser(userId);
    const { items, total } = await this.deps.ledger.entries(
      userId,
      paging.pageSize,
      (paging.page - 1) * paging.pageSize,
    );
    const names = await this.deps.merchants.adminNames(
      this.deps.db.manager,
      items.flatMap((r) => (r.adminId ? [r.adminId] : [])),
    );
    return {
      items: items.map((r) => toConsoleLedgerEntry(r, r.adminId ? (names.get(r.adminId) ?? null) : null)),
      total,
      page: paging.page,
      pageSize: paging.pageSize,
    };
  }

  /** Adds or removes credits as a keyed ledger `adjust` entry (409 below zero), logged with who did it. */
  async adjust(admin: { id: string; username: string }, userId: string, delta: number, reason: string) {
    const entry = await this.deps.ledger.adjust(admin.id, userId, delta, reason);
    this.deps.logger.info({ adminId: admin.id, userId, delta }, 'credits adjusted by admin');
    return { user: toAdminUser(await this.findUser(userId)), entry: toConsoleLedgerEntry(entry, admin.username) };
  }

  private async findUser(id: string): Promise<User> {
    const user = await this.deps.users.findUser(this.deps.db.manager, id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }
}
