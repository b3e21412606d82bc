import { randomUUID } from 'node:crypto';
import { toCamel, type Camel } from '../../db/camel';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

/** What a texted code is for: signing in, or confirming the old or new number of a phone change. */
export type CodePurpose = 'login' | 'phone-old' | 'phone-new';

interface VerificationCodeRow {
  id: string;
  phone: string;
  purpose: CodePurpose;
  code_hash: string;
  ip: string;
  attempts: number;
  used_at: string | null;
  expire_at: string;
  created_at: string;
}

/** A texted code as services see it (`codeHash`, `usedAt`, `expireAt`, ...). */
export type VerificationCode = Camel<VerificationCodeRow>;

/**
 * Queries on `verification_codes`. State changes are conditional UPDATEs, so two requests
 * racing on one code can never both use it or both spend its last attempt.
 */
export class VerificationCodesRepository {
  async insert(
    db: Db,
    code: { phone: string; purpose: CodePurpose; codeHash: string; ip: string; expireAt: Date; now: Date },
  ): Promise<string> {
    const id = randomUUID();
    await db.query(
      'INSERT INTO verification_codes (id, phone, purpose, code_hash, ip, attempts, used_at, expire_at, created_at) VALUES (?, ?, ?, ?, ?, 0, NULL, ?, ?)',
      [id, code.phone, code.purpose, code.codeHash, code.ip.slice(0, 64), toDbTime(code.expireAt), toDbTime(code.now)],
    );
    return id;
  }

  async findById(db: Db, id: string): Promise<VerificationCode | null> {
    const [row] = await rows<VerificationCodeRow>(db, 'SELECT * FROM verification_codes WHERE id = ?', [id]);
    return row ? toCamel(row) : null;
  }

  /** The phone's newest unused code for `purpose` (at most one: sending supersedes older ones). */
  async findActive(db: Db, phone: string, purpose: CodePurpose): Promise<VerificationCode | null> {
    const found = await rows<VerificationCodeRow>(
      db,
      'SELECT * FROM verification_codes WHERE phone = ? AND purpose = ? AND used_at IS NULL ORDER BY created_at DESC LIMIT 1',
      [phone, purpose],
    );
    return found[0] ? toCamel(found[0]) : null;
  }

  async hasAny(db: Db, phone: string, purpose: CodePurpose): Promise<boolean> {
    return (
      (
        await rows(db, 'SELECT 1 AS one FROM verification_codes WHERE phone = ? AND purpose = ? LIMIT 1', [
          phone,
          purpose,
        ])
      ).length > 0
    );
  }

  /** Retires every unused code of the phone for `purpose`: only the newest code counts. */
  async supersede(db: Db, phone: string, purpose: CodePurpose, now: Date): Promise<number> {
    return execute(
      db,
      'UPDATE verification_codes SET used_at = ? WHERE phone = ? AND purpose = ? AND used_at IS NULL',
      [toDbTime(now), phone, purpose],
    );
  }

  /** Spends one attempt if the code is still usable; false when it is used, expired or out of attempts. */
  async reserveAttempt(db: Db, id: string, maxAttempts: number, now: Date): Promise<boolean> {
    const changed = await execute(
      db,
      'UPDATE verification_codes SET attempts = attempts + 1 WHERE id = ? AND used_at IS NULL AND attempts < ? AND expire_at > ?',
      [id, maxAttempts, toDbTime(now)],
    );
    return changed === 1;
  }

  /** Marks the code used; false when another request used it first. */
  async consume(db: Db, id: string, now: Date): Promise<boolean> {
    return (
      (await execute(db, 'UPDATE verification_codes SET used_at = ? WHERE id = ? AND used_at IS NULL', [
        toDbTime(now),
        id,
      ])) === 1
    );
  }

  /** Housekeeping: expired codes are worthless, and the rows hold phone numbers. */
  async deleteExpiredBefore(db: Db, cutoff: Date): Promise<number> {
    return execute(db, 'DELETE FROM verification_codes WHERE expire_at < ?', [toDbTime(cutoff)]);
  }
}
