import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../db/db-errors';
import { UnauthorizedError } from '../../errors/app-error';
import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../infra/logger';
import type { JwtService } from '../auth/jwt.service';
import { RateLimiter } from '../auth/rate-limit';
import type { AdminRole, AdminUsersRepository } from './admin-auth.repository';
import type { PasswordHasher } from './password-hasher';

export interface AdminProfile {
  id: string;
  username: string;
  role: AdminRole;
}

export interface AdminAuthPolicy {
  /** bcrypt cost of new hashes (the PasswordHasher is built with it). */
  bcryptRounds: number;
  loginsPerIpPer15Min: number;
  loginsPerUsernamePer15Min: number;
}

export const DEFAULT_ADMIN_AUTH_POLICY: AdminAuthPolicy = {
  bcryptRounds: 12,
  loginsPerIpPer15Min: 30,
  loginsPerUsernamePer15Min: 10,
};

export interface AdminAuthServiceDeps {
  db: DataSource;
  kv: KeyValueStore;
  admins: AdminUsersRepository;
  jwt: JwtService;
  logger: Logger;
  hasher: PasswordHasher;
  /** A null password means: generate one if the account is created now (see ensureBootstrapAdmin). */
  bootstrap: { username: string; password: string | null };
  policy: AdminAuthPolicy;
}

const invalidCredentials = () => new UnauthorizedError('Wrong username or password', 'INVALID_CREDENTIALS');
const accountDisabled = () => new UnauthorizedError('This console account is disabled', 'ACCOUNT_DISABLED');

/** Console accounts: the first admin from config, password sign-in, the signed-in profile. */
export class AdminAuthService {
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: AdminAuthServiceDeps) {
    this.limiter = new RateLimiter(deps.kv);
  }

  /**
   * Creates the configured admin when there is no console account yet. Two processes starting
   * together may both see an empty table; the unique username lets exactly one insert win.
   * Without a configured password a random one is generated and returned to the caller, which
   * shows it once to whoever started the process; it is never written to the log.
   */
  async ensureBootstrapAdmin(now = new Date()): Promise<{ created: boolean; generatedPassword?: string }> {
    const { admins, bootstrap, logger } = this.deps;
    const db = this.deps.db.manager;
    if ((await admins.count(db)) > 0) return { created: false };
    const password = bootstrap.password ?? generateAdminPassword();
    const passwordHash = await this.deps.hasher.hash(password);
    try {
      await admins.insert(db, { username: bootstrap.username, passwordHash, role: 'admin', now });
    } catch (err) {
      if (isUniqueViolation(err)) return { created: false };
      throw err;
    }
    const generated = bootstrap.password === null;
    logger.info({ username: bootstrap.username, generatedPassword: generated }, 'first admin account created');
    return generated ? { created: true, generatedPassword: password } : { created: true };
  }

  /**
   * The per-IP limit comes first, so random usernames cannot get around it; an unknown
   * username still costs one hash (against a decoy), so timing tells nothing about accounts.
   */
  async login(username: string, password: string, ip: string): Promise<{ token: string; admin: AdminProfile }> {
    const { policy } = this.deps;
    await this.limiter.consume(
      `admin-login:ip:${ip}`,
      policy.loginsPerIpPer15Min,
      900,
      'Too many sign-in attempts; try again later',
    );
    await this.limiter.consume(
      `admin-login:user:${username.toLowerCase()}`,
      policy.loginsPerUsernamePer15Min,
      900,
      'Too many sign-in attempts; try again later',
    );
    const row = await this.deps.admins.findByUsername(this.deps.db.manager, username);
    const ok = await this.deps.hasher.verify(password, row?.passwordHash ?? null);
    if (!row || !ok) {
      this.deps.logger.warn({ username, ip }, 'admin sign-in refused');
      throw invalidCredentials();
    }
    // Said only after the right password, so a guesser learns nothing about the account.
    if (row.disabledAt) {
      this.deps.logger.warn({ adminId: row.id, ip }, 'admin sign-in refused: account disabled');
      throw accountDisabled();
    }
    const admin: AdminProfile = { id: row.id, username: row.username, role: row.role };
    const token = this.deps.jwt.sign('aiphoto-admin', { sub: admin.id, username: admin.username, role: admin.role });
    this.deps.logger.info({ adminId: admin.id }, 'admin signed in');
    return { token, admin };
  }

  /**
   * The account behind a token as it is now: a deleted account answers INVALID_TOKEN, a
   * disabled one ACCOUNT_DISABLED. requireAdmin calls this on every console request — one
   * primary-key read, no cache, so a disable takes effect at once on every replica.
   */
  async profile(id: string): Promise<AdminProfile> {
    const row = await this.deps.admins.findById(this.deps.db.manager, id);
    if (!row) throw new UnauthorizedError('The account no longer exists', 'INVALID_TOKEN');
    if (row.disabledAt) throw accountDisabled();
    return { id: row.id, username: row.username, role: row.role };
  }
}

/** A bootstrap admin password for the first start: satisfies the console's password rules. */
function generateAdminPassword(): string {
  return `Ap${randomBytes(12).toString('base64url')}7`;
}
