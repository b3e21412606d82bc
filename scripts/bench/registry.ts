/**
 * The bench's cases. Each file in `cases/` default-exports one `BenchCase` (or several); `npm run
 * bench` finds them there, so a new measurement is a new file, not an edit of a shared list.
 * A case measures something and a ceiling beside it, in the same run, and answers table rows.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BenchContext } from './context';
import type { Latency } from './load';

export type DbKind = 'sqlite' | 'mysql';

/**
 * `api`: the backend alone, dispatching to a stand-in n8n that accepts everything at once.
 * `flow`: the backend with the real n8n and the vendor sandbox (precomputed CI).
 * `own`: the case starts whatever topology it measures itself (scale-out figures).
 */
export type BenchPhase = 'api' | 'flow' | 'own';

export interface BenchRow {
  /** What was measured, e.g. `GET /api/v1/tasks/:id`. */
  name: string;
  value: number;
  unit: string;
  ceiling: { name: string; value: number };
  /** value ÷ ceiling for rates; ceiling ÷ value for times. Higher is better either way. */
  ratio: number;
  /** The goal for this row, when it has one. */
  target?: { text: string; met: boolean };
  latency?: Latency;
  /** Backend resident memory before and after the measurement (MiB). */
  rssMiB?: { before: number; after: number };
  notes?: string[];
  /** A correctness rule the measurement broke (e.g. the ledger); the bench exits non-zero. */
  broken?: string;
}

export interface BenchCase {
  name: string;
  phase: BenchPhase;
  /** Lower runs first within a phase (default 100). */
  order?: number;
  /** Databases the case applies to (default both). */
  dbs?: DbKind[];
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** A rate against its ceiling; `times` rows give ceiling and value as durations. */
export function ratioOf(value: number, ceiling: number, kind: 'rate' | 'time' = 'rate'): number {
  if (!value || !ceiling) return 0;
  return kind === 'rate' ? value / ceiling : ceiling / value;
}

export function target(text: string, met: boolean): BenchRow['target'] {
  return { text, met };
}

export async function loadCases(only?: string[]): Promise<BenchCase[]> {
  const dir = path.join(__dirname, 'cases');
  const cases: BenchCase[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!/\.ts$/.test(file) || file.endsWith('.d.ts')) continue;
    const mod = (await import(path.join(dir, file))) as { default?: BenchCase | BenchCase[] };
    if (!mod.default) throw new Error(`bench case file ${file} has no default export`);
    cases.push(...(Array.isArray(mod.default) ? mod.default : [mod.default]));
  }
  const chosen = only?.length ? cases.filter((c) => only.some((o) => c.name.includes(o))) : cases;
  return chosen.sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}
