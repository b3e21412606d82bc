import { AppError } from '../errors/app-error';

/**
 * Lets at most `maxActive` pieces of work run at once and `maxWaiting` more wait their turn;
 * past that, `run` refuses at once with 503 and `Retry-After`, so a burst costs the caller an
 * error instead of costing the process its memory or its thread pool. Used for password
 * hashing and for the bytes of uploads held in memory.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxActive: number,
    private readonly maxWaiting: number,
    private readonly busy: { code: string; message: string; retryAfterSeconds: number },
  ) {
    if (maxActive < 1) throw new Error('a ConcurrencyGate needs at least one slot');
  }

  /** Work running now, and work waiting for a slot (for tests and metrics). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Takes a slot (waiting if allowed); the caller must `release()` it exactly once. */
  async acquire(): Promise<void> {
    if (this.active < this.maxActive) {
      this.active++;
      return;
    }
    if (this.waiting.length >= this.maxWaiting) {
      const { code, message, retryAfterSeconds } = this.busy;
      throw new AppError(503, code, message, undefined, { 'Retry-After': String(retryAfterSeconds) });
    }
    // The releasing caller hands its slot over: `active` stays the same.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
