import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { AppConfig } from '../../config/config';
import { toDbTime } from '../../db/time';
import { execute, inTransaction, rows, type Db } from '../../db/transaction';
import { NotFoundError, ValidationError } from '../../errors/app-error';

/** One runtime-tunable value: its env default and the rule a new value must follow. */
interface SettingDefinition {
  description: string;
  schema: z.ZodType<number>;
  fallback: (config: AppConfig) => number;
}

const positive = z.coerce.number().int().positive();
const nonNegative = z.coerce.number().int().min(0);

/**
 * The settings an admin may change at runtime (the `settings` table overrides the env defaults).
 * The membership plan reads `plan.*` on every purchase (task deadlines live in `task_types`);
 * packs, check-ins and invite rewards read theirs when they grant; the dispatcher reads `audit.*`
 * for every task it sends to n8n.
 */
export const SETTINGS = {
  'plan.monthly_quota': {
    description: 'Credits granted by one monthly membership',
    schema: positive.max(100_000),
    fallback: (c) => c.plan.monthlyQuota,
  },
  'plan.price_fen': {
    description: 'Price of the monthly membership, in fen',
    schema: positive.max(10_000_000),
    fallback: (c) => c.plan.priceFen,
  },
  'plan.days': {
    description: 'Days one membership period lasts',
    schema: positive.max(3660),
    fallback: (c) => c.plan.days,
  },
  'sms.per_phone_per_day': {
    description: 'Login codes one phone number may receive in 24 hours',
    schema: positive.max(100),
    fallback: (c) => c.sms.perPhonePerDay,
  },
  'sms.daily_budget': {
    description: 'Login codes sent in 24 hours across all numbers; above it sending pauses (SMS pumping guard)',
    schema: positive.max(10_000_000),
    fallback: (c) => c.sms.dailyBudget,
  },
  'pack.valid_days': {
    description: 'Days the credits of a credit pack stay usable after payment',
    schema: positive.max(3660),
    fallback: (c) => c.credits.packValidDays,
  },
  'checkin.credits': {
    description: 'Credits of one daily check-in (members only; 0 turns check-in off)',
    schema: nonNegative.max(1000),
    fallback: (c) => c.credits.checkinCredits,
  },
  'invite.inviter_credits': {
    description: "Credits for the inviter when an invitee's first order is paid",
    schema: nonNegative.max(100_000),
    fallback: (c) => c.credits.inviterCredits,
  },
  'invite.invitee_credits': {
    description: 'Credits for the invitee when their first order is paid',
    schema: nonNegative.max(100_000),
    fallback: (c) => c.credits.inviteeCredits,
  },
  'invite.valid_days': {
    description: 'Days invite rewards stay usable',
    schema: positive.max(3660),
    fallback: (c) => c.credits.inviteValidDays,
  },
  'invite.max_rewards': {
    description: 'Invite rewards one inviter can earn at most',
    schema: nonNegative.max(100_000),
    fallback: (c) => c.credits.inviteMaxRewards,
  },
  'audit.enabled': {
    description: "Content audit of every task's input images before any work: 1 on, 0 off",
    schema: z.coerce.number().int().min(0).max(1),
    fallback: (c) => (c.audit.enabled ? 1 : 0),
  },
  'audit.threshold': {
    description: 'A content-audit risk score (0–100) over this fails the task with CONTENT_REJECTED (refunded)',
    schema: nonNegative.max(100),
    fallback: (c) => c.audit.threshold,
  },
} satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTINGS;

export interface SettingView {
  key: SettingKey;
  value: number;
  defaultValue: number;
  overridden: boolean;
  description: string;
}

export class SettingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  private async stored(): Promise<Map<string, string>> {
    // `key` and `value` are reserved words in MySQL; backticks also work in SQLite.
    const found = await rows<{ key: string; value: string }>(this.ds.manager, 'SELECT `key`, `value` FROM settings');
    return new Map(found.map((r) => [r.key, r.value]));
  }

  private view(key: SettingKey, raw: string | undefined): SettingView {
    const def: SettingDefinition = SETTINGS[key];
    const defaultValue = def.fallback(this.config);
    const parsed = raw === undefined ? null : def.schema.safeParse(raw);
    return {
      key,
      value: parsed?.success ? parsed.data : defaultValue,
      defaultValue,
      overridden: Boolean(parsed?.success),
      description: def.description,
    };
  }

  async list(): Promise<SettingView[]> {
    const stored = await this.stored();
    return (Object.keys(SETTINGS) as SettingKey[]).map((key) => this.view(key, stored.get(key)));
  }

  /**
   * One value. Code running inside a transaction passes its handle: on SQLite a read through the
   * data source would wait for that very transaction to end.
   */
  async get(key: SettingKey, db: Db = this.ds.manager): Promise<number> {
    const found = await rows<{ value: string }>(db, 'SELECT `value` FROM settings WHERE `key` = ?', [key]);
    return this.view(key, found[0]?.value).value;
  }

  /** Sets (or with `null`, resets to the env default) one value. */
  async set(key: string, value: unknown): Promise<SettingView> {
    // Own keys only: `in` would also find `__proto__`, `constructor`, `toString`…
    if (!Object.hasOwn(SETTINGS, key)) throw new NotFoundError(`No setting named ${key}`, 'SETTING_NOT_FOUND');
    const k = key as SettingKey;
    if (value === null) {
      await inTransaction(this.ds, (tx) => execute(tx, 'DELETE FROM settings WHERE `key` = ?', [k]));
      return this.view(k, undefined);
    }
    const parsed = (SETTINGS[k] as SettingDefinition).schema.safeParse(value);
    if (!parsed.success) throw new ValidationError(`value: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const now = toDbTime(new Date());
    await inTransaction(this.ds, async (tx) => {
      // Portable upsert: update, and insert when nothing was there.
      const changed = await execute(tx, 'UPDATE settings SET `value` = ?, updated_at = ? WHERE `key` = ?', [
        String(parsed.data),
        now,
        k,
      ]);
      if (!changed)
        await tx.query('INSERT INTO settings (`key`, `value`, updated_at) VALUES (?, ?, ?)', [
          k,
          String(parsed.data),
          now,
        ]);
    });
    return this.view(k, String(parsed.data));
  }
}
