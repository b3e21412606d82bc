import { rateLimitAddress } from '../rate-limit';

describe('the address a request is counted under', () => {
  it('keeps IPv4 as it is and reads IPv4-mapped IPv6 as IPv4', () => {
    expect(rateLimitAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('buckets IPv6 by its /64, whatever the spelling', () => {
    const bucket = '2001:db8:a:b::/64';
    for (const address of [
      '2001:db8:a:b::1',
      '2001:0db8:000a:000b:ffff:ffff:ffff:ffff',
      '2001:DB8:A:B:1:2:3:4',
      '2001:db8:a:b::1%eth0',
      '2001:db8:a:b:0:0:1.2.3.4',
    ]) {
      expect(rateLimitAddress(address)).toBe(bucket);
    }
    expect(rateLimitAddress('2001:db8:a:c::1')).toBe('2001:db8:a:c::/64');
    expect(rateLimitAddress('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitAddress('fe80::1')).toBe('fe80:0:0:0::/64');
  });

  it('leaves what is not an address alone', () => {
    expect(rateLimitAddress('unknown')).toBe('unknown');
  });
});
