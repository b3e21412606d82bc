/** Measurements several cases share: a keep-alive HTTP load with the backend's memory around it, and ceilings. */
import type { BenchContext } from './context';
import { runLoad, type LoadOptions, type LoadResult } from './load';
import type { BenchRow } from './registry';

/** How many keep-alive clients the read rows use (the figures are at 20). */
export const READ_CLIENTS = 20;

export interface Measured {
  load: LoadResult;
  rssMiB: { before: number; after: number };
}

/** A short warm-up (JIT, connection pools, caches), then the measured run. */
export async function measureHttp(ctx: BenchContext, options: Omit<LoadOptions, 'seconds'>): Promise<Measured> {
  if (!options.amount) await runLoad({ ...options, seconds: 1 });
  const before = ctx.backendRss();
  const load = await runLoad({ ...options, seconds: ctx.seconds });
  const failed = Object.entries(load.statuses).filter(([status]) => !status.startsWith('2'));
  if (failed.length && !options.amount)
    throw new Error(`${options.method ?? 'GET'} ${options.url}: ${JSON.stringify(load.statuses)}`);
  return { load, rssMiB: { before, after: ctx.backendRss() } };
}

/** Requests per second of the bare node:http server answering a constant (20 clients). */
export function bareCeiling(ctx: BenchContext): Promise<number> {
  return ctx.ceiling('bare GET', async () => {
    await runLoad({ url: `${ctx.system.bare.url}/`, connections: READ_CLIENTS, seconds: 1 });
    return (await runLoad({ url: `${ctx.system.bare.url}/`, connections: READ_CLIENTS, seconds: ctx.seconds }))
      .perSecond;
  });
}

/** The backend's own `/health` (20 clients). */
export function healthCeiling(ctx: BenchContext): Promise<Measured> {
  return ctx.ceiling('GET /health', () =>
    measureHttp(ctx, { url: `${ctx.backend.url}/health`, connections: READ_CLIENTS }),
  );
}

/** Rows for one measured read: against /health and against bare node:http. */
export function readRows(
  name: string,
  measured: Measured,
  ceilings: { health: number; bare: number },
  targets: { health?: number; bare?: number; p95Ms?: number } = {},
): BenchRow[] {
  const { load } = measured;
  const p95 = targets.p95Ms === undefined ? '' : `, p95 < ${targets.p95Ms} ms`;
  const p95Met = targets.p95Ms === undefined || load.p95 < targets.p95Ms;
  const row = (ceilingName: string, ceiling: number, min: number | undefined, withP95: boolean): BenchRow => {
    const ratio = load.perSecond / ceiling;
    const text = [min === undefined ? '' : `≥ ${min}`, withP95 ? p95.slice(2) : ''].filter(Boolean).join(', ');
    return {
      name,
      value: load.perSecond,
      unit: 'req/s',
      ceiling: { name: ceilingName, value: ceiling },
      ratio,
      target: text ? { text, met: (min === undefined || ratio >= min) && (!withP95 || p95Met) } : undefined,
      latency: { p50: load.p50, p95: load.p95, p99: load.p99 },
      rssMiB: measured.rssMiB,
    };
  };
  return [
    row('GET /health', ceilings.health, targets.health, targets.p95Ms !== undefined),
    row('bare node:http', ceilings.bare, targets.bare, false),
  ];
}
