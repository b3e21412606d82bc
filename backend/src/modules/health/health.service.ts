import type { ReadinessCheck } from '../../app-context';
import type { Logger } from '../../infra/logger';

/**
 * Why a dependency is down, in words that are safe to show anyone who can reach `/ready`:
 * the error text (hosts, users, driver messages) goes to the log only.
 */
export type ReadinessCode = 'OK' | 'TIMEOUT' | 'UNREACHABLE' | 'UNHEALTHY' | 'CHECK_FAILED';

export interface DependencyStatus {
  status: 'ok' | 'down';
  code: ReadinessCode;
  ms: number;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, DependencyStatus>;
}

/** Thrown by a check that knows why its dependency is down (e.g. n8n answered 503). */
export class DependencyDownError extends Error {
  constructor(
    readonly code: Exclude<ReadinessCode, 'OK'>,
    message: string,
  ) {
    super(message);
    this.name = 'DependencyDownError';
  }
}

class CheckTimeoutError extends Error {}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** The stable code of a failed check: its own, a timeout, a connection failure, or a generic one. */
export function readinessCode(err: unknown): Exclude<ReadinessCode, 'OK'> {
  if (err instanceof DependencyDownError) return err.code;
  if (err instanceof CheckTimeoutError) return 'TIMEOUT';
  // fetch wraps the socket error in `cause`; drivers put it on the error itself.
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return 'UNREACHABLE';
  }
  return 'CHECK_FAILED';
}

/**
 * Runs every dependency check in parallel, each bounded so /ready answers quickly. A failure is
 * logged with its error when a dependency goes down or its reason changes (probes run every few
 * seconds; one line per change keeps the log readable), and once more when it recovers.
 */
export class HealthService {
  private readonly last = new Map<string, ReadinessCode>();

  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly logger: Logger,
    private readonly timeoutMs = 2000,
  ) {}

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((check) => this.run(check)));
    const checks = Object.fromEntries(results);
    return { status: results.every(([, r]) => r.status === 'ok') ? 'ready' : 'not_ready', checks };
  }

  private async run({ name, check }: ReadinessCheck): Promise<readonly [string, DependencyStatus]> {
    const started = Date.now();
    let code: ReadinessCode = 'OK';
    try {
      await withTimeout(check(), this.timeoutMs);
    } catch (err) {
      code = readinessCode(err);
      if (this.last.get(name) !== code) this.logger.warn({ dependency: name, code, err }, 'dependency not ready');
    }
    if (code === 'OK' && this.last.has(name) && this.last.get(name) !== 'OK') {
      this.logger.info({ dependency: name }, 'dependency ready again');
    }
    this.last.set(name, code);
    return [name, { status: code === 'OK' ? 'ok' : 'down', code, ms: Date.now() - started }] as const;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
