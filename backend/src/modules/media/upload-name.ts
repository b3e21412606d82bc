/**
 * The file name an upload came with (multipart file name, the last segment of an image URL, the
 * name the portal sends with a direct upload), kept on the upload so downloads can be named after
 * it (modules/tasks/result-names.ts). Never trusted: cleaned here before it is stored.
 */

// Control characters, bidi overrides, zero-width marks and what Windows refuses in a file name
// (plus the path separators), each replaced by a space; runs of spaces, dots and underscores are
// tidied afterwards.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff<>:"/\\|?*]/g;

/**
 * A file name as a client sent it, made safe to keep and to reuse in downloads: only the last
 * path segment, unsafe characters replaced, whitespace collapsed, leading/trailing dots and
 * spaces removed, at most 200 characters (the extension kept). Null when nothing is left.
 */
export function cleanUploadName(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const last = raw.split(/[/\\]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    .replace(UNSAFE_IN_NAME, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (cleaned === '') return null;
  const chars = Array.from(cleaned);
  if (chars.length <= 200) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return Array.from(cleaned.slice(0, cleaned.length - ext.length))
    .slice(0, 200 - ext.length)
    .join('')
    .concat(ext);
}
