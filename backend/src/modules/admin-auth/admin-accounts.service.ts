import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../db/db-errors';
import { isoOrNull } from '../../db/time';
import { inTransaction } from '../../db/transaction';
import { ConflictError, NotFoundError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import type { AdminRole, AdminUser, AdminUserChange, AdminUsersRepository } from './admin-auth.repository';
import type { PasswordHasher } from './password-hasher';

export interface AdminAccount {
  id: string;
  username: string;
  role: AdminRole;
  createdAt: string;
  disabled: boolean;
}

export interface AdminAccountsDeps {
  db: DataSource;
  admins: AdminUsersRepository;
  logger: Logger;
  hasher: PasswordHasher;
  now?: () => Date;
}

function toAccount(row: AdminUser): AdminAccount {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: isoOrNull(row.createdAt)!,
    disabled: row.disabledAt !== null,
  };
}

const isActiveAdmin = (row: Pick<AdminUser, 'role' | 'disabledAt'>) => row.role === 'admin' && !row.disabledAt;

/**
 * Console account management (admins only, enforced by the routes). Two rules keep the
 * console reachable: the last active admin can be neither demoted nor disabled, and nobody
 * disables their own account (which would sign them out mid-change).
 */
export class AdminAccountsService {
  private readonly now: () => Date;

  constructor(private readonly deps: AdminAccountsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async list(): Promise<{ items: AdminAccount[] }> {
    return { items: (await this.deps.admins.list(this.deps.db.manager)).map(toAccount) };
  }

  async create(actorId: string, input: { username: string; password: string; role: AdminRole }): Promise<AdminAccount> {
    const { admins, db } = this.deps;
    const passwordHash = await this.deps.hasher.hash(input.password);
    let id: string;
    try {
      id = await admins.insert(db.manager, {
        username: input.username,
        passwordHash,
        role: input.role,
        now: this.now(),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('That username is taken', 'USERNAME_TAKEN');
      throw err;
    }
    this.deps.logger.info({ actorId, adminId: id, role: input.role }, 'console account created');
    return toAccount((await admins.findById(db.manager, id))!);
  }

  async update(
    actorId: string,
    id: string,
    input: { role?: AdminRole; password?: string; disabled?: boolean },
  ): Promise<AdminAccount> {
    const { admins } = this.deps;
    // Hashing takes a while on purpose; do it before taking any lock.
    const passwordHash = input.password === undefined ? undefined : await this.deps.hasher.hash(input.password);
    const updated = await inTransaction(this.deps.db, async (tx) => {
      const activeAdmins = await admins.lockAndCountActiveAdmins(tx);
      const row = await admins.findById(tx, id);
      if (!row) throw new NotFoundError('Console account not found', 'ADMIN_NOT_FOUND');
      if (input.disabled === true && id === actorId)
        throw new ConflictError('You cannot disable your own account', 'CANNOT_DISABLE_SELF');
      const change: AdminUserChange = { role: input.role, passwordHash };
      // Keep the first disable time when asked again; null switches the account back on.
      if (input.disabled !== undefined)
        change.disabledAt = input.disabled ? (row.disabledAt ? undefined : this.now()) : null;
      const after = {
        role: input.role ?? row.role,
        disabledAt: input.disabled === undefined ? row.disabledAt : input.disabled ? 'now' : null,
      };
      if (isActiveAdmin(row) && !isActiveAdmin(after) && activeAdmins <= 1) {
        throw new ConflictError('The last active admin cannot be demoted or disabled', 'LAST_ADMIN');
      }
      await admins.update(tx, id, change);
      return (await admins.findById(tx, id))!;
    });
    this.deps.logger.info(
      { actorId, adminId: id, role: input.role, disabled: input.disabled, passwordReset: passwordHash !== undefined },
      'console account changed',
    );
    return toAccount(updated);
  }
}
