import type { DataSource } from 'typeorm';
import { AppError, RateLimitedError, UnauthorizedError } from '../../errors/app-error';
import { fromDbTime } from '../../db/time';
import { inTransaction } from '../../db/transaction';
import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../infra/logger';
import { maskPhone, toE164, type SmsSender } from '../sms/sms-sender';
import { meOf, type Me, type User, type UsersRepository } from '../users/users.repository';
import { generateCode, type CodeHasher } from './code-hasher';
import type { CodePurpose, VerificationCodesRepository } from './auth.repository';
import type { JwtService } from './jwt.service';
import { RateLimiter } from './rate-limit';

/** The SMS login rules (docs/vendor-facts.md "common practice"; seed limits 5/min/phone, 20/h/IP). */
export interface AuthPolicy {
  codeTtlSeconds: number;
  maxAttemptsPerCode: number;
  resendCooldownSeconds: number;
  sendsPerPhonePerMinute: number;
  sendsPerIpPerHour: number;
  /** Login tries per IP per 15 minutes, on top of the per-code attempt cap. */
  loginsPerIpPer15Min: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  codeTtlSeconds: 300,
  maxAttemptsPerCode: 5,
  resendCooldownSeconds: 60,
  sendsPerPhonePerMinute: 5,
  sendsPerIpPerHour: 20,
  loginsPerIpPer15Min: 60,
};

/** Caps against SMS pumping, read on every send so a console change applies at once. */
export interface SmsCaps {
  perPhonePerDay: number;
  dailyBudget: number;
  /** Calling codes such as `+86`; a number outside them is refused before anything is counted. */
  allowedCountryCodes: string[];
}

export interface AuthServiceDeps {
  db: DataSource;
  kv: KeyValueStore;
  users: UsersRepository;
  codes: VerificationCodesRepository;
  sms: SmsSender;
  jwt: JwtService;
  hasher: CodeHasher;
  logger: Logger;
  policy: AuthPolicy;
  smsCaps: () => Promise<SmsCaps>;
  /** Injected so expiry can be tested without waiting. */
  clock: () => Date;
}

const DAY_SECONDS = 24 * 3600;

const failures = {
  invalid: () => new UnauthorizedError('The code is not correct', 'INVALID_CODE'),
  expired: () => new UnauthorizedError('The code has expired; request a new one', 'CODE_EXPIRED'),
  used: () => new UnauthorizedError('The code is no longer valid; request a new one', 'CODE_USED'),
  exhausted: () =>
    new UnauthorizedError('Too many wrong attempts for this code; request a new one', 'TOO_MANY_ATTEMPTS'),
};

/**
 * Merchant sign-in by SMS code: send a code → log in with it (registering the phone on first
 * login) → a 7-day merchant token. Answers never depend on whether the phone has an account.
 */
export class AuthService {
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: AuthServiceDeps) {
    this.limiter = new RateLimiter(deps.kv);
  }

  /**
   * Texts a code to `phone` for `purpose` (login by default). Every purpose shares the per-IP,
   * per-number and daily limits (they bound what texting costs); the resend cooldown is per purpose.
   */
  async sendCode(
    phone: string,
    ip: string,
    purpose: CodePurpose = 'login',
  ): Promise<{ sent: true; cooldownSeconds: number }> {
    const { policy, kv, codes, hasher, clock } = this.deps;
    const db = this.deps.db.manager;
    const caps = await this.deps.smsCaps();
    const e164 = toE164(phone);
    if (!caps.allowedCountryCodes.some((prefix) => e164.startsWith(prefix))) {
      throw new AppError(400, 'SMS_COUNTRY_NOT_ALLOWED', 'Login codes cannot be sent to numbers of this country');
    }
    // Every request counts, refused ones included: the limits are there to bound SMS cost.
    await this.limiter.consume(
      `sms:ip:${ip}`,
      policy.sendsPerIpPerHour,
      3600,
      'Too many codes requested from this network; try again later',
    );
    await this.limiter.consume(
      `sms:phone:${phone}`,
      policy.sendsPerPhonePerMinute,
      60,
      'Too many codes requested for this number; try again later',
    );
    await this.limiter.consume(
      `sms:phone-day:${phone}`,
      caps.perPhonePerDay,
      DAY_SECONDS,
      'This number has received too many codes today; try again tomorrow',
    );
    // One text a minute per number and purpose: signing in does not hold up a phone change.
    const cooldownKey = purpose === 'login' ? `sms:cooldown:${phone}` : `sms:cooldown:${purpose}:${phone}`;
    if (policy.resendCooldownSeconds > 0 && !(await kv.setIfAbsent(cooldownKey, '1', policy.resendCooldownSeconds))) {
      const left = (await kv.ttl(cooldownKey)) ?? policy.resendCooldownSeconds;
      throw new RateLimitedError(left, 'Wait before requesting another code');
    }
    // Last, so only sends that would really go out spend the budget.
    const budget = await kv.hit('rl:sms:budget', DAY_SECONDS);
    if (budget.count > caps.dailyBudget) {
      await kv.del(cooldownKey);
      if (budget.count === caps.dailyBudget + 1) {
        this.deps.logger.error({ dailyBudget: caps.dailyBudget }, 'SMS daily budget reached: login codes paused');
      }
      throw new RateLimitedError(
        budget.resetInSeconds,
        'Login codes are paused for now; try again later',
        'SMS_BUDGET_EXHAUSTED',
      );
    }

    const code = generateCode();
    const now = clock();
    const id = await inTransaction(this.deps.db, async (tx) => {
      await codes.supersede(tx, phone, purpose, now);
      return codes.insert(tx, {
        phone,
        purpose,
        codeHash: hasher.hash(phone, code),
        ip,
        expireAt: new Date(now.getTime() + policy.codeTtlSeconds * 1000),
        now,
      });
    });
    try {
      await this.deps.sms.sendCode(phone, code);
    } catch (err) {
      // A code that never arrived must not block the retry nor stay usable.
      await codes.consume(db, id, now);
      await kv.del(cooldownKey);
      throw err;
    }
    this.deps.logger.info({ phone: maskPhone(phone), ip, purpose }, 'code sent');
    return { sent: true, cooldownSeconds: policy.resendCooldownSeconds };
  }

  async login(phone: string, code: string, ip: string): Promise<{ token: string; user: Me }> {
    await this.useCodes(ip, [{ phone, code, purpose: 'login' }]);
    const now = this.deps.clock();
    const user = await this.deps.users.findOrCreateUser(this.deps.db.manager, phone, now);
    this.deps.logger.info({ userId: user.id }, 'merchant signed in');
    return this.issue(user);
  }

  /** A merchant token for the account as it is now (its phone and token version), with `Me`. */
  issue(user: User): { token: string; user: Me } {
    const token = this.deps.jwt.sign('aiphoto-merchant', { sub: user.id, phone: user.phone, tv: user.tokenVersion });
    return { token, user: meOf(user, this.deps.clock()) };
  }

  /**
   * Checks every texted code (each try spends an attempt of its code first, so concurrent guesses
   * cannot exceed the cap), and only when all are right marks them all used; throws the first
   * failure. Several codes at once serve the phone change (old and new number).
   */
  async useCodes(ip: string, entries: Array<{ phone: string; code: string; purpose: CodePurpose }>): Promise<void> {
    const { policy, clock } = this.deps;
    await this.limiter.consume(
      `login:ip:${ip}`,
      policy.loginsPerIpPer15Min,
      900,
      'Too many sign-in attempts from this network; try again later',
    );
    const now = clock();
    const ids: string[] = [];
    for (const entry of entries) ids.push(await this.checkCode(entry.phone, entry.code, entry.purpose, now));
    for (const id of ids) if (!(await this.deps.codes.consume(this.deps.db.manager, id, now))) throw failures.used();
  }

  private async checkCode(phone: string, code: string, purpose: CodePurpose, now: Date): Promise<string> {
    const { policy, codes, hasher } = this.deps;
    const db = this.deps.db.manager;
    const row = await codes.findActive(db, phone, purpose);
    if (!row) throw (await codes.hasAny(db, phone, purpose)) ? failures.used() : failures.invalid();
    if (hasExpired(row, now)) throw failures.expired();
    // Spend the attempt before comparing, so concurrent guesses cannot exceed the cap.
    if (!(await codes.reserveAttempt(db, row.id, policy.maxAttemptsPerCode, now)))
      throw await this.whyUnusable(row.id, now);
    if (!hasher.matches(phone, code, row.codeHash)) throw failures.invalid();
    return row.id;
  }

  private async whyUnusable(id: string, now: Date): Promise<UnauthorizedError> {
    const row = await this.deps.codes.findById(this.deps.db.manager, id);
    if (!row || row.usedAt) return failures.used();
    if (hasExpired(row, now)) return failures.expired();
    return failures.exhausted();
  }
}

function hasExpired(row: { expireAt: string }, now: Date): boolean {
  const expireAt = fromDbTime(row.expireAt);
  return expireAt === null || expireAt <= now;
}
