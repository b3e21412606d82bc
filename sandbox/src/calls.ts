/**
 * Counts vendor calls by endpoint name (e.g. `cos:PutObject`, `runninghub:outputs`), so
 * tests can prove that nothing polls a vendor needlessly (docs/architecture.md §8 `/sandbox/calls`).
 */
export class CallCounter {
  private counts = new Map<string, number>();

  record(endpoint: string): void {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts.clear();
  }
}
