/** The bench's one table: every row a measurement, the ceiling measured beside it, and their ratio. */
import type { BenchRow, DbKind } from './registry';

export interface TableRow extends BenchRow {
  db: DbKind | 'all';
  case: string;
}

function num(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

const ms = (value: number | undefined) => (value === undefined ? '' : num(value));

export function renderTable(rows: TableRow[]): string {
  const header = [
    'db',
    'measurement',
    'value',
    'ceiling (same run)',
    'ratio',
    'target',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'RSS MiB',
  ];
  const body = rows.map((r) => [
    r.db,
    r.name,
    `${num(r.value)} ${r.unit}`,
    `${r.ceiling.name} ${num(r.ceiling.value)}`,
    num(r.ratio),
    r.target ? `${r.target.text} ${r.target.met ? 'met' : 'MISSED'}` : '',
    ms(r.latency?.p50),
    ms(r.latency?.p95),
    ms(r.latency?.p99),
    r.rssMiB ? `${num(r.rssMiB.before)}→${num(r.rssMiB.after)}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const notes = rows.flatMap((r) => (r.notes ?? []).map((n) => `  [${r.db}] ${r.name}: ${n}`));
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    ...(notes.length ? ['', 'notes:', ...notes] : []),
  ].join('\n');
}
