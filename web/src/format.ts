/** Prices travel in fen (integer cents); merchants read yuan. */
export function formatFen(fen: number): string {
  if (!Number.isInteger(fen)) throw new Error(`amount in fen must be an integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}¥${yuan}${cents ? `.${String(cents).padStart(2, '0')}` : ''}`;
}

/** Date and time as the merchant reads them in the chosen language. */
export function formatTime(iso: string, lang: 'zh' | 'en'): string {
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
}

/** A ledger delta with its sign: +100, -1. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
