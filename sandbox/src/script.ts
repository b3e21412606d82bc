/**
 * The scripted outcome of the next vendor calls (`POST /sandbox/<vendor>/script`).
 * A script applies to the next `times` calls (default 1), then the vendor behaves
 * normally again. Setting a new script replaces the previous one.
 */
export interface ScriptEntry<O extends string> {
  outcome: O;
  delayMs?: number;
  /** Audit scripts: the score (0–100) and label of the answer. */
  score?: number;
  label?: string;
}

export class OutcomeScript<O extends string> {
  private current: (ScriptEntry<O> & { remaining: number }) | undefined;

  set(entry: ScriptEntry<O>, times = 1): void {
    this.current = { ...entry, remaining: times };
  }

  /** The script for this call, if any, consuming one use of it. */
  take(): ScriptEntry<O> | undefined {
    const current = this.current;
    if (!current) return undefined;
    current.remaining -= 1;
    if (current.remaining <= 0) this.current = undefined;
    const { remaining: _remaining, ...entry } = current;
    void _remaining;
    return entry;
  }

  pending(): (ScriptEntry<O> & { remaining: number }) | null {
    return this.current ? { ...this.current } : null;
  }

  reset(): void {
    this.current = undefined;
  }
}
