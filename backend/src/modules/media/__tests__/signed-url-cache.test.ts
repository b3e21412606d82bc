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

  it('tells until when it will answer the same URL again', () => {
    const cache = new SignedUrlCache(100, () => now);
    const first = cache.entry('k', 3600, sign);
    expect(first).toEqual({ url: 'url-1', reusableUntilMs: 1_060_000 });
    now = 1_060_000;
    expect(cache.entry('k', 3600, sign)).toBe(first);
    expect(cache.get('k', 3600, sign)).toBe('url-1');
    now += 1;
    expect(cache.entry('k', 3600, sign)).toEqual({ url: 'url-2', reusableUntilMs: 1_120_001 });
  });

  it('keeps URLs of different keys and lifetimes apart', () => {
    const cache = new SignedUrlCache(100, () => now);
    expect(cache.get('a', 60, sign)).toBe('url-1');
    expect(cache.get('b', 60, sign)).toBe('url-2');
    expect(cache.get('a', 300, sign)).toBe('url-3');
    expect(cache.get('a', 60, sign)).toBe('url-1');
  });

  it('keeps at most its size, forgetting the URLs not used for two generations', () => {
    const cache = new SignedUrlCache(4, () => now); // two generations of 2
    cache.get('a', 60, sign); // url-1
    cache.get('b', 60, sign); // url-2 (generation 1 full)
    cache.get('c', 60, sign); // url-3 starts generation 2
    cache.get('a', 60, sign); // a is carried into generation 2 (still url-1)
    cache.get('d', 60, sign); // url-4 starts generation 3: b falls out
    expect(cache.get('a', 60, sign)).toBe('url-1');
    expect(cache.get('c', 60, sign)).toBe('url-3');
    expect(cache.get('b', 60, sign)).toBe('url-5');
  });
});
