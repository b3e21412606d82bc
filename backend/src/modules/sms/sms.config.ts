import { z } from 'zod';

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

/**
 * Tencent Cloud SMS variables: the sms module's block of the env schema (config/config.ts spreads
 * it in; the sender and the sign-in caps read `ctx.config.sms`). Required with VENDOR_MODE=live
 * (createSmsSender names what is missing); placeholders are used against the sandbox.
 */
export const smsEnvShape = {
  SMS_SECRET_ID: z.string().optional(),
  SMS_SECRET_KEY: z.string().optional(),
  SMS_SDK_APP_ID: z.string().optional(),
  SMS_SIGN_NAME: z.string().optional(),
  SMS_TEMPLATE_ID: z.string().optional(),
  SMS_REGION: z.string().default('ap-guangzhou'),
  // Against SMS pumping: calling codes login codes may be sent to, and daily caps (runtime-tunable).
  SMS_ALLOWED_COUNTRY_CODES: z
    .string()
    .default('+86')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^\+[1-9]\d{0,3}$/, 'each must be a calling code such as +86')).min(1)),
  SMS_PER_PHONE_PER_DAY: int(10, 1),
  SMS_DAILY_BUDGET: int(2000, 1),
};

export interface SmsConfig {
  secretId: string | null;
  secretKey: string | null;
  sdkAppId: string | null;
  signName: string | null;
  templateId: string | null;
  region: string;
  /** Calling codes (`+86`, `+852`, …) login codes may be sent to. */
  allowedCountryCodes: string[];
  /** Env defaults of the settings `sms.per_phone_per_day` and `sms.daily_budget`. */
  perPhonePerDay: number;
  dailyBudget: number;
}

export type SmsEnv = z.output<z.ZodObject<typeof smsEnvShape>>;

export function buildSmsConfig(env: SmsEnv): SmsConfig {
  return {
    secretId: env.SMS_SECRET_ID ?? null,
    secretKey: env.SMS_SECRET_KEY ?? null,
    sdkAppId: env.SMS_SDK_APP_ID ?? null,
    signName: env.SMS_SIGN_NAME ?? null,
    templateId: env.SMS_TEMPLATE_ID ?? null,
    region: env.SMS_REGION,
    allowedCountryCodes: env.SMS_ALLOWED_COUNTRY_CODES,
    perPhonePerDay: env.SMS_PER_PHONE_PER_DAY,
    dailyBudget: env.SMS_DAILY_BUDGET,
  };
}
