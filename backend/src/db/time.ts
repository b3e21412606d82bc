/**
 * Times are stored as UTC `YYYY-MM-DD HH:MM:SS.mmm` strings: MySQL DATETIME(3) accepts and
 * returns that form (with dateStrings), and SQLite keeps it as text that sorts correctly.
 */
export function toDbTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function fromDbTime(value: string | Date | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(`${value.replace(' ', 'T')}Z`);
}

/** A database time exactly as `toDbTime` writes it (and MySQL's DATETIME(3) answers it). */
const DB_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

/**
 * A database time as ISO 8601 (UTC). The usual form is rewritten as text (the same characters
 * `toISOString` would give; a task page converts forty of them); anything else goes through Date.
 */
export function isoOrNull(value: string | Date | null | undefined): string | null {
  if (typeof value === 'string' && DB_TIME.test(value)) return `${value.slice(0, 10)}T${value.slice(11)}Z`;
  return fromDbTime(value)?.toISOString() ?? null;
}
