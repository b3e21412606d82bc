import { randomInt, randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../db/db-errors';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';
import { lockUserRow } from '../../db/user-lock';

/** Invite codes avoid look-alike characters (0/O, 1/I/L) so they can be read out and typed. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newInviteCode(): string {
  return Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** `users.invite_code` / `invited_by` and `invite_rewards`, the at-most-once record of each reward. */
export class InvitesRepository {
  async codeOf(db: Db, userId: string): Promise<string | null> {
    const [r] = await rows<{ invite_code: string | null }>(db, 'SELECT invite_code FROM users WHERE id = ?', [userId]);
    return r?.invite_code ?? null;
  }

  /** Gives the user a code unless they have one; false on a collision with another user's code. */
  async setCode(db: Db, userId: string, code: string): Promise<boolean> {
    try {
      await execute(db, 'UPDATE users SET invite_code = ? WHERE id = ? AND invite_code IS NULL', [code, userId]);
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async ownerOf(db: Db, code: string): Promise<{ id: string; invitedBy: string | null } | null> {
    const [r] = await rows<{ id: string; invited_by: string | null }>(
      db,
      'SELECT id, invited_by FROM users WHERE invite_code = ?',
      [code],
    );
    return r ? { id: r.id, invitedBy: r.invited_by } : null;
  }

  async invitedBy(db: Db, userId: string): Promise<string | null> {
    const [r] = await rows<{ invited_by: string | null }>(db, 'SELECT invited_by FROM users WHERE id = ?', [userId]);
    return r?.invited_by ?? null;
  }

  /** Records the inviter once, and only before the invitee's first paid order. */
  async setInviter(db: Db, userId: string, inviterId: string): Promise<boolean> {
    return (
      (await execute(
        db,
        "UPDATE users SET invited_by = ? WHERE id = ? AND invited_by IS NULL AND NOT EXISTS (SELECT 1 FROM orders WHERE orders.user_id = ? AND orders.status = 'paid')",
        [inviterId, userId, userId],
      )) === 1
    );
  }

  /**
   * The reward row: unique per invitee, per invitee phone and per invitee WeChat person (when one is
   * linked), so each is rewarded at most once ever.
   */
  async recordReward(
    db: Db,
    r: { inviterId: string; inviteeId: string; phone: string; wechat: string | null; orderId: string },
    now: Date,
  ) {
    try {
      await db.query(
        'INSERT INTO invite_rewards (id, inviter_id, invitee_id, invitee_phone, invitee_wechat, order_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [randomUUID(), r.inviterId, r.inviteeId, r.phone, r.wechat, r.orderId, toDbTime(now)],
      );
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Takes the inviter's row lock, so two rewards of one inviter count their limit one after the other. */
  async lockUser(db: Db, userId: string, now: Date): Promise<void> {
    await lockUserRow(db, userId, now);
  }

  async counts(db: Db, inviterId: string): Promise<{ invited: number; rewarded: number }> {
    const [a] = await rows<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM users WHERE invited_by = ?', [
      inviterId,
    ]);
    const [b] = await rows<{ n: number | string }>(
      db,
      'SELECT COUNT(*) AS n FROM invite_rewards WHERE inviter_id = ?',
      [inviterId],
    );
    return { invited: Number(a?.n ?? 0), rewarded: Number(b?.n ?? 0) };
  }
}
