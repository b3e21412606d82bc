import type { ReadinessCheck } from '../../app-context';

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, { ok: boolean; ms: number; error?: string }>;
}

/** Runs every dependency check in parallel, each bounded so /ready answers quickly. */
export class HealthService {
  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly timeoutMs = 2000,
  ) {}

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        const started = Date.now();
        try {
          await withTimeout(check(), this.timeoutMs);
          return [name, { ok: true, ms: Date.now() - started }] as const;
        } catch (err) {
          return [
            name,
            { ok: false, ms: Date.now() - started, error: err instanceof Error ? err.message : String(err) },
          ] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    return { status: results.every(([, r]) => r.ok) ? 'ready' : 'not_ready', checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
