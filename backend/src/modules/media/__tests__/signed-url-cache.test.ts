import { SignedUrlCache } from '../signed-url-cache';

describe('SignedUrlCache', () => {
  let now = 1_000_000;
  let signed = 0;
  const sign = () => `url-${++signed}`;
  beforeEach(() => {
    now = 1_000_000;
    signed = 0;
  });

  it('reuses a URL while at least ttl minus a tenth (at most a minute) of its life is left', () => {
    const cache = new SignedUrlCache(100, () => now);
    expect(cache.get('k', 3600, sign)).toBe('url-1');
    now += 59_000;
    expect(cache.get('k', 3600, sign)).toBe('url-1');
    // Past a minute of age the URL would have less than ttl − 60 s left: signed anew.
    now += 2_000;
    expect(cache.get('k', 3600, sign)).toBe('url-2');
    // A short lifetime keeps a proportionally short reuse window (10 s → 1 s).
    expect(cache.get('short', 10, sign)).toBe('url-3');
    now += 900;
    expect(cache.get('short', 10, sign)).toBe('url-3');
    now += 200;
    expect(cache.get('short', 10, sign)).toBe('url-4');
  });

  it('keeps URLs of different keys and lifetimes apart', () => {
    const cache = new SignedUrlCache(100, () => now);
    expect(cache.get('a', 60, sign)).toBe('url-1');
    expect(cache.get('b', 60, sign)).toBe('url-2');
    expect(cache.get('a', 300, sign)).toBe('url-3');
    expect(cache.get('a', 60, sign)).toBe('url-1');
  });

  it('forgets the least recently used URL beyond its size', () => {
    const cache = new SignedUrlCache(2, () => now);
    cache.get('a', 60, sign); // url-1
    cache.get('b', 60, sign); // url-2
    cache.get('a', 60, sign); // a used again: b is now the oldest
    cache.get('c', 60, sign); // url-3, evicts b
    expect(cache.get('a', 60, sign)).toBe('url-1');
    expect(cache.get('b', 60, sign)).toBe('url-4');
  });
});
