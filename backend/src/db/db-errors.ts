/**
 * Driver differences in error reporting live here, so services can ask one question:
 * "did this insert hit a unique key?" (MySQL ER_DUP_ENTRY 1062, SQLite SQLITE_CONSTRAINT_UNIQUE).
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = (err as { driverError?: unknown })?.driverError ?? err;
  if (typeof e !== 'object' || e === null) return false;
  const { code, errno } = e as { code?: unknown; errno?: unknown };
  return (
    code === 'ER_DUP_ENTRY' ||
    errno === 1062 ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** A CHECK constraint refused the row (MySQL 3819 / MariaDB 4025, SQLite SQLITE_CONSTRAINT_CHECK). */
export function isCheckViolation(err: unknown): boolean {
  const e = (err as { driverError?: unknown })?.driverError ?? err;
  if (typeof e !== 'object' || e === null) return false;
  const { code, errno } = e as { code?: unknown; errno?: unknown };
  return (
    code === 'ER_CHECK_CONSTRAINT_VIOLATED' || errno === 3819 || errno === 4025 || code === 'SQLITE_CONSTRAINT_CHECK'
  );
}
