import { NONCE_TTL_SECONDS, type NonceStore } from './signature';

/**
 * In-memory nonce store with expiry. Entries are kept in insertion order (a Map preserves
 * it) and timestamps only grow, so expired entries are always at the front and pruning is
 * cheap. No timers: pruning happens on use, which keeps the node free of setInterval.
 *
 * Bounded twice: entries expire after `ttlMs`, and at most `maxEntries` are kept (the oldest
 * goes first), so a flood of valid messages cannot grow the process without limit.
 *
 * Limitation: the memory is per process. With several n8n webhook processes a replay
 * could reach a different process inside the 300 s window; the backend tolerates that
 * because a dispatch for a task that is no longer `queued` changes nothing.
 */
export class MemoryNonceStore implements NonceStore {
  private readonly expiresAt = new Map<string, number>();

  constructor(
    private readonly ttlMs: number = NONCE_TTL_SECONDS * 1000,
    private readonly maxEntries: number = 100_000,
  ) {}

  checkAndRemember(nonce: string, nowMs: number): boolean {
    this.prune(nowMs);
    const expiry = this.expiresAt.get(nonce);
    if (expiry !== undefined && expiry > nowMs) return true;
    // Re-inserted at the back, so the front stays the oldest; the oldest makes room when full.
    this.expiresAt.delete(nonce);
    if (this.expiresAt.size >= this.maxEntries) this.expiresAt.delete(this.expiresAt.keys().next().value as string);
    this.expiresAt.set(nonce, nowMs + this.ttlMs);
    return false;
  }

  /** The bounds, for operators and tests: at most `maxEntries`, each kept `ttlMs`. */
  get limits(): { maxEntries: number; ttlMs: number } {
    return { maxEntries: this.maxEntries, ttlMs: this.ttlMs };
  }

  get size(): number {
    return this.expiresAt.size;
  }

  private prune(nowMs: number): void {
    for (const [nonce, expiry] of this.expiresAt) {
      if (expiry > nowMs) break;
      this.expiresAt.delete(nonce);
    }
  }
}
