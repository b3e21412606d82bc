import { z } from 'zod';
import '../../openapi/registry';

export const CreditPackSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    credits: z.number().int(),
    priceFen: z.number().int(),
    active: z.boolean(),
    sort: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('CreditPack');

export const PacksOffer = z
  .object({ packs: z.array(CreditPackSchema), validDays: z.number().int() })
  .openapi('CreditPacksOffer');

export const PackInputSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    credits: z.number().int().min(1).max(100_000),
    priceFen: z.number().int().min(1).max(10_000_000),
    active: z.boolean().default(true),
    sort: z.number().int().min(0).max(10_000).default(0),
  })
  .openapi('CreditPackInput');

export const CreditLotSchema = z
  .object({
    id: z.string(),
    source: z.enum(['membership', 'pack', 'checkin', 'invite', 'adjust', 'refund', 'opening']),
    amount: z.number().int(),
    remaining: z.number().int(),
    expiresAt: z.string().nullable().openapi({ description: "The lot's own end; null: it ends with the membership" }),
    withMembership: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('CreditLot');

export const MyCredits = z
  .object({
    balance: z.number().int(),
    isMember: z.boolean(),
    membershipExpiresAt: z.string().nullable(),
    lots: z.array(CreditLotSchema),
  })
  .openapi('MyCredits');

export const CheckinSchema = z
  .object({ date: z.string(), checkedIn: z.boolean(), credits: z.number().int(), granted: z.boolean().optional() })
  .openapi('Checkin');

export const InviteSchema = z
  .object({
    code: z.string(),
    invited: z.boolean(),
    canRedeem: z.boolean(),
    invitedCount: z.number().int(),
    rewardedCount: z.number().int(),
    inviterCredits: z.number().int(),
    inviteeCredits: z.number().int(),
  })
  .openapi('Invite');
