/**
 * Signed object URLs, reused while nearly their whole lifetime is left. Signing (the COS SDK's
 * q-sign over the key, headers and time) was a large share of every task read in the bench's
 * profile: a page of 20 tasks signs 40 URLs, and the portal reads the same tasks over and over.
 *
 * A URL is reused only while it has at least `ttl - slack` seconds left (slack: a tenth of the
 * lifetime, at most a minute), so a caller never gets a URL valid for longer than it asked, and
 * never much shorter.
 *
 * Bounded by two generations instead of a strict LRU: entries go into the current map; when it
 * is full, it becomes the previous one and the one before is dropped; a hit in the previous map
 * moves the entry forward. No entry is ever deleted from a Map (deleting and re-adding on every
 * hit made V8's hash chains long enough to cost ~12 µs a lookup at 10,000 entries).
 */
interface Entry {
  url: string;
  expiresAtMs: number;
}

export class SignedUrlCache {
  private current = new Map<string, Entry>();
  private previous = new Map<string, Entry>();

  constructor(
    /** Most entries kept: two generations of half this size. */
    private readonly maxEntries = 10_000,
    // Read through Date.now at each call (not a captured reference), so one clock governs the
    // cache and the COS signer, also when a test moves it.
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The URL for `key` at `ttlSeconds`, from `sign` or reused. */
  get(key: string, ttlSeconds: number, sign: () => string): string {
    const id = `${ttlSeconds} ${key}`;
    const now = this.now();
    // No closure per call: a task page asks for forty URLs, and each closure costs an allocation
    // (and, under tsx, a naming call).
    const leastLeftMs = ttlSeconds * 1000 - Math.min(60_000, ttlSeconds * 100);
    const hit = this.current.get(id);
    if (hit !== undefined && hit.expiresAtMs - now >= leastLeftMs) return hit.url;
    const older = this.previous.get(id);
    if (older !== undefined && older.expiresAtMs - now >= leastLeftMs) {
      this.remember(id, older);
      return older.url;
    }
    // The expiry is taken before signing: the signer's own clock can only make it later.
    const entry = { url: sign(), expiresAtMs: now + ttlSeconds * 1000 };
    this.remember(id, entry);
    return entry.url;
  }

  private remember(id: string, entry: Entry): void {
    if (!this.current.has(id) && this.current.size >= this.maxEntries / 2) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(id, entry);
  }
}
