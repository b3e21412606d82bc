import { TwoGenerationMap } from '../../infra/two-generation-map';

/** A signed URL and the last instant (epoch ms) the cache answers it again for the same key and lifetime. */
export interface SignedUrl {
  readonly url: string;
  readonly reusableUntilMs: number;
}

/**
 * Signed object URLs, reused while nearly their whole lifetime is left. Signing (the COS SDK's
 * q-sign over the key, headers and time) was a large share of every task read in the bench's
 * profile: a page of 20 tasks signs 40 URLs, and the portal reads the same tasks over and over.
 *
 * A URL is reused only while it has at least `ttl - slack` seconds left (slack: a tenth of the
 * lifetime, at most a minute), so a caller never gets a URL valid for longer than it asked, and
 * never much shorter.
 *
 * Bounded by two generations (infra/two-generation-map.ts).
 */
export class SignedUrlCache {
  private readonly entries: TwoGenerationMap<SignedUrl>;

  constructor(
    /** Most entries kept: two generations of half this size. */
    maxEntries = 10_000,
    // Read through Date.now at each call (not a captured reference), so one clock governs the
    // cache and the COS signer, also when a test moves it.
    private readonly now: () => number = () => Date.now(),
  ) {
    this.entries = new TwoGenerationMap(maxEntries);
  }

  /** The URL for `key` at `ttlSeconds`, from `sign` or reused. */
  get(key: string, ttlSeconds: number, sign: () => string): string {
    return this.entry(key, ttlSeconds, sign).url;
  }

  /**
   * The same, with the last instant it will be answered again: whoever keeps the URL beyond this
   * call (a task answer's JSON text, tasks/task-answers.ts) serves it no longer than the cache would.
   */
  entry(key: string, ttlSeconds: number, sign: () => string): SignedUrl {
    const id = `${ttlSeconds} ${key}`;
    const now = this.now();
    // No closure per call: a task page asks for forty URLs, and each closure costs an allocation
    // (and, under tsx, a naming call).
    const hit = this.entries.get(id);
    if (hit !== undefined && now <= hit.reusableUntilMs) return hit;
    // The expiry is taken before signing: the signer's own clock can only make it later. Reused
    // while at least `ttl - slack` seconds are left.
    const leastLeftMs = ttlSeconds * 1000 - Math.min(60_000, ttlSeconds * 100);
    const entry: SignedUrl = { url: sign(), reusableUntilMs: now + ttlSeconds * 1000 - leastLeftMs };
    this.entries.set(id, entry);
    return entry;
  }
}
