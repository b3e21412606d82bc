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

export function isoOrNull(value: string | Date | null | undefined): string | null {
  return fromDbTime(value)?.toISOString() ?? null;
}
