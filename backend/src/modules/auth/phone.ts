import { z } from 'zod';
import '../../openapi/registry';

const MAINLAND = /^1[3-9]\d{9}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The one stored form of a phone number: mainland numbers as their 11 digits (what people type
 * and what the portal shows), every other country in E.164. `+8613800138000` and
 * `13800138000` are therefore the same account. Null when the input is not a phone number.
 */
export function normalizePhone(input: string): string | null {
  const value = input.trim();
  if (MAINLAND.test(value)) return value;
  if (!E164.test(value)) return null;
  if (value.startsWith('+86')) {
    const national = value.slice(3);
    return MAINLAND.test(national) ? national : null;
  }
  return value;
}

/** Request field: validates and normalises in one step, so services only see stored forms. */
export const PhoneSchema = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const phone = normalizePhone(value);
    if (!phone) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a mainland mobile number (11 digits) or an E.164 number such as +85291234567',
      });
      return z.NEVER;
    }
    return phone;
  })
  .openapi({
    type: 'string',
    example: '13800138000',
    description: 'Mainland 11-digit mobile number, or E.164 (+86… is normalised to 11 digits)',
  });
