/**
 * What a failed task tells the merchant, and what it keeps for admins (docs/architecture.md §5,
 * "Failures"). n8n reports a failure with a code and the vendor's own text (RunningHub's
 * `failedReason`, a Tencent CI error…), which may name vendors, storage keys, signed URLs or
 * stack traces and be any length. Merchants get one of a few stable codes with a fixed message
 * (the portal localizes by code); the raw code and text, cleaned of control characters and
 * capped, go to `tasks.error_detail` (admin console) and the log only.
 */

/** The codes merchants see on a failed task (API, WebSocket, webhooks); anything else maps to GENERATION_FAILED. */
export const MERCHANT_FAILURE_MESSAGES = {
  VENDOR_FAILED: 'The image could not be processed; try a clearer photo. The credit was refunded',
  GENERATION_FAILED: 'The generation failed; the credit was refunded',
  TIMEOUT: 'The generation took too long; the credit was refunded',
  INVALID_RESULT: 'The result was not usable; the credit was refunded',
  CONTENT_REJECTED: 'The photo did not pass the content review; the credit was refunded',
} as const;

export type MerchantFailureCode = keyof typeof MERCHANT_FAILURE_MESSAGES;

/**
 * Whose fault a failure was, as the merchant is told (issue 15, "honest failures"): `photo` — the
 * input could not be used (the vendor could not process it, the content review refused it), so
 * retrying the same photo will likely fail again; `service` — our side or a vendor broke (an error,
 * a timeout, an unusable result), so a retry of the same photo may well work. Either way the
 * credit was refunded.
 */
export type FailureKind = 'photo' | 'service';

export const FAILURE_KINDS: Record<MerchantFailureCode, FailureKind> = {
  VENDOR_FAILED: 'photo',
  CONTENT_REJECTED: 'photo',
  GENERATION_FAILED: 'service',
  TIMEOUT: 'service',
  INVALID_RESULT: 'service',
};

/** The kind of a stored failure code; codes from before the classification count as `service`. */
export function failureKindOf(code: string | null): FailureKind | null {
  if (code === null) return null;
  return Object.hasOwn(FAILURE_KINDS, code) ? FAILURE_KINDS[code as MerchantFailureCode] : 'service';
}

/** How much raw failure text an admin sees (and task_events keep); the rest is cut with "…". */
export const FAILURE_DETAIL_MAX_CHARS = 4000;

export interface TaskFailure {
  /** Merchant-facing code (`tasks.error_code`). */
  code: MerchantFailureCode;
  /** Merchant-facing message (`tasks.error_reason`). */
  reason: string;
  /** Raw code and text for admins (`tasks.error_detail`), null when there is nothing beyond the code. */
  detail: string | null;
}

// Control characters (C0 except tab/newline, DEL, C1), bidi overrides and zero-width marks: they
// corrupt logs and terminals or disguise text; replaced by a space.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Vendor text made safe to store and show to an admin: control characters removed, whitespace
 * runs collapsed, the query string of any URL dropped (signed URLs carry credentials), at most
 * `max` characters (never splitting a surrogate pair), with "…" when cut.
 */
export function cleanVendorText(text: string, max = FAILURE_DETAIL_MAX_CHARS): string {
  const cleaned = text
    .replace(UNSAFE, ' ')
    .replace(/(\bhttps?:\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/gi, '$1?…')
    .replace(/[ \t]*\n[\s]*/g, '\n')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  if (cleaned.length <= max) return cleaned;
  let out = cleaned.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(out)) out = out.slice(0, -1);
  return `${out}…`;
}

/** The merchant code for a code reported by n8n. */
export function merchantFailureCode(reported: string | undefined): MerchantFailureCode {
  const code = (reported ?? '').trim().toUpperCase();
  return Object.hasOwn(MERCHANT_FAILURE_MESSAGES, code) ? (code as MerchantFailureCode) : 'GENERATION_FAILED';
}

/** A failure reported by n8n: merchant code and message, and the raw report for admins. */
export function failureFromReport(report: { code?: string; message?: string } | undefined): TaskFailure {
  const code = merchantFailureCode(report?.code);
  const rawCode = cleanVendorText(report?.code ?? '', 64);
  const rawMessage = cleanVendorText(report?.message ?? '');
  const detail = [rawCode, rawMessage].filter((part) => part !== '').join(': ');
  return {
    code,
    reason: MERCHANT_FAILURE_MESSAGES[code],
    detail: detail === '' ? null : cleanVendorText(detail),
  };
}

/** A failure the backend decides itself (timeout, invalid results), with an optional admin note. */
export function failureOf(code: MerchantFailureCode, detail: string | null = null): TaskFailure {
  return { code, reason: MERCHANT_FAILURE_MESSAGES[code], detail: detail === null ? null : cleanVendorText(detail) };
}
