import { z } from 'zod';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/**
 * Defaults of the credits model (credit packs, daily check-in, invites), merged into the one env
 * schema of config/config.ts. Every amount and limit is also a runtime setting the console
 * edits (settings.service.ts); these are the values until an admin changes them.
 */
export const creditsEnvShape = {
  /** Days the credits of a pack stay usable after payment (independent of the membership). */
  CREDIT_PACK_VALID_DAYS: int(365, 1),
  /**
   * Packs created on first start when there are none: `name:credits:priceFen`, comma-separated.
   * Afterwards the console manages them.
   */
  CREDIT_PACKS: z.string().default('50 点加油包:50:4900,200 点加油包:200:17900'),
  /** Credits of one daily check-in (members only, once per day in Asia/Shanghai); 0 turns it off. */
  CHECKIN_CREDITS: int(2),
  /** Credits for the inviter and for the invitee when the invitee's first order is paid; 0 turns one off. */
  INVITE_INVITER_CREDITS: int(20),
  INVITE_INVITEE_CREDITS: int(10),
  /** Days invite rewards stay usable. */
  INVITE_CREDIT_VALID_DAYS: int(365, 1),
  /** Rewards one inviter can earn at most. */
  INVITE_MAX_REWARDS: int(50),
};

export interface PackSeed {
  name: string;
  credits: number;
  priceFen: number;
}

/**
 * The env defaults of the credits settings (`ctx.config.credits`); `packs` were checked at start,
 * so a bad CREDIT_PACKS stops the backend before it serves.
 */
export interface CreditsConfig {
  packValidDays: number;
  packs: PackSeed[];
  checkinCredits: number;
  inviterCredits: number;
  inviteeCredits: number;
  inviteValidDays: number;
  inviteMaxRewards: number;
}

/** Throws with the CREDIT_PACKS entry that is not `name:credits:priceFen` (config.ts reports it). */
export function buildCreditsConfig(env: z.output<z.ZodObject<typeof creditsEnvShape>>): CreditsConfig {
  return {
    packValidDays: env.CREDIT_PACK_VALID_DAYS,
    packs: parsePackSeeds(env.CREDIT_PACKS),
    checkinCredits: env.CHECKIN_CREDITS,
    inviterCredits: env.INVITE_INVITER_CREDITS,
    inviteeCredits: env.INVITE_INVITEE_CREDITS,
    inviteValidDays: env.INVITE_CREDIT_VALID_DAYS,
    inviteMaxRewards: env.INVITE_MAX_REWARDS,
  };
}

/** `name:credits:priceFen,…` → packs; throws with the entry that is not one. */
export function parsePackSeeds(value: string): PackSeed[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(.{1,64}):(\d{1,6}):(\d{1,8})$/.exec(entry);
      if (!m || Number(m[2]) < 1 || Number(m[3]) < 1)
        throw new Error(`CREDIT_PACKS: "${entry}" is not name:credits:priceFen with positive numbers`);
      return { name: m[1], credits: Number(m[2]), priceFen: Number(m[3]) };
    });
}
