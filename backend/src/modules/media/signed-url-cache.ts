/**
 * Signed object URLs, reused while nearly their whole lifetime is left. Signing (the COS SDK's
 * q-sign over the key, headers and time) was a large share of every task read in the bench's
 * profile: a page of 20 tasks signs 40 URLs, and the portal reads the same tasks over and over.
 *
 * A URL is reused only while it has at least `ttl - slack` seconds left (slack: a tenth of the
 * lifetime, at most a minute), so a caller never gets a URL valid for longer than it asked, and
 * never much shorter. Bounded: the least recently used entries go first.
 */
export class SignedUrlCache {
  private readonly entries = new Map<string, { url: string; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The URL for `key` at `ttlSeconds`, from `sign` or reused. */
  get(key: string, ttlSeconds: number, sign: () => string): string {
    const id = `${ttlSeconds} ${key}`;
    const now = this.now();
    const slackMs = Math.min(60_000, ttlSeconds * 100);
    const hit = this.entries.get(id);
    this.entries.delete(id);
    if (hit && hit.expiresAtMs - now >= ttlSeconds * 1000 - slackMs) {
      this.entries.set(id, hit);
      return hit.url;
    }
    // The expiry is taken before signing: the signer's own clock can only make it later.
    const entry = { url: sign(), expiresAtMs: now + ttlSeconds * 1000 };
    this.entries.set(id, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return entry.url;
  }
}
