/**
 * Vendor failure text (RunningHub's `failedReason`, a Tencent CI error, a stack trace) made fit to
 * send to the backend: control and bidi characters removed, whitespace runs collapsed, the query
 * string of any URL dropped (signed URLs carry credentials), and at most `max` characters (never
 * splitting a surrogate pair), ending in "…" when cut. The backend keeps this text for its admins
 * only and shows merchants a fixed message for the code (docs/architecture.md §5, "Failures").
 */
export const CALLBACK_MESSAGE_MAX_CHARS = 2000;

// C0 controls except tab and newline, DEL, C1 controls, zero-width and bidi marks, BOM.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function cleanVendorText(text: string, max = CALLBACK_MESSAGE_MAX_CHARS): string {
  const cleaned = text
    .replace(UNSAFE, ' ')
    .replace(/(\bhttps?:\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/gi, '$1?…')
    .replace(/[ \t]*\n\s*/g, '\n')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  if (cleaned.length <= max) return cleaned;
  let cut = cleaned.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A failure code as the backend expects it: upper-case letters, digits and `_`, 2–64 long. */
export function failureCode(value: string, fallback = 'VENDOR_FAILED'): string {
  const code = value.trim().toUpperCase();
  return /^[A-Z][A-Z0-9_]{1,63}$/.test(code) ? code : fallback;
}
