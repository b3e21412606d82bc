import { isoOrNull, toDbTime } from '../time';

describe('isoOrNull', () => {
  it('answers what Date would for every database time, written as text or not', () => {
    const instants = [
      Date.UTC(2025, 0, 1),
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(1999, 11, 31, 12, 0, 0, 7),
      Date.UTC(2026, 11, 2, 7, 50, 51, 758),
    ];
    for (let i = 0; i < 500; i++) instants.push(Date.UTC(2020, 0, 1) + Math.floor(Math.random() * 4e11));
    for (const ms of instants) {
      const date = new Date(ms);
      expect(isoOrNull(toDbTime(date))).toBe(date.toISOString());
      expect(isoOrNull(date)).toBe(date.toISOString());
    }
  });

  it('reads the other forms through Date, and null as null', () => {
    // SQLite's CURRENT_TIMESTAMP (a column default) has no milliseconds.
    expect(isoOrNull('2025-03-04 05:06:07')).toBe('2025-03-04T05:06:07.000Z');
    expect(isoOrNull('2025-03-04 05:06:07.5')).toBe('2025-03-04T05:06:07.500Z');
    expect(isoOrNull(null)).toBeNull();
    expect(isoOrNull(undefined)).toBeNull();
  });
});
