/** Prices travel in fen (integer cents); merchants read yuan. */
export function formatFen(fen: number): string {
  if (!Number.isInteger(fen)) throw new Error(`amount in fen must be an integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}¥${yuan}${cents ? `.${String(cents).padStart(2, '0')}` : ''}`;
}
