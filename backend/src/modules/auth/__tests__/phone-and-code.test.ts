import { CodeHasher, generateCode } from '../code-hasher';
import { PhoneSchema, normalizePhone } from '../phone';

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['19912345678', '19912345678'],
    [' 13800138000 ', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['+85291234567', '+85291234567'],
    ['+447700900123', '+447700900123'],
    ['+14155552671', '+14155552671'],
  ])('accepts %p as %p', (input, stored) => {
    expect(normalizePhone(input)).toBe(stored);
  });

  it.each([
    ['12800138000'],
    ['1380013800'],
    ['138001380001'],
    ['8613800138000'],
    ['+8612800138000'],
    ['+86138'],
    ['+0123456789'],
    ['+1234567890123456'],
    ['138-0013-8000'],
    [''],
  ])('refuses %p', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it('validates and normalises in the request schema', () => {
    expect(PhoneSchema.parse('+8613800138000')).toBe('13800138000');
    expect(PhoneSchema.safeParse('12345').success).toBe(false);
  });
});

describe('login codes', () => {
  it('are six digits from the whole range', () => {
    const codes = Array.from({ length: 2000 }, generateCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1900);
  });

  it('are stored as an HMAC bound to the phone and the server secret', () => {
    const hasher = new CodeHasher(null, 'jwt-secret-for-the-test-0001');
    const hash = hasher.hash('13800138000', '123456');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hasher.matches('13800138000', '123456', hash)).toBe(true);
    expect(hasher.matches('13800138000', '123457', hash)).toBe(false);
    expect(hasher.matches('13900139000', '123456', hash)).toBe(false);
    expect(new CodeHasher(null, 'another-jwt-secret-000000002').matches('13800138000', '123456', hash)).toBe(false);
    expect(
      new CodeHasher('a-dedicated-code-secret-01', 'jwt-secret-for-the-test-0001').matches(
        '13800138000',
        '123456',
        hash,
      ),
    ).toBe(false);
  });

  it('does not match a malformed stored hash', () => {
    expect(new CodeHasher(null, 'jwt-secret-for-the-test-0001').matches('13800138000', '123456', 'abc')).toBe(false);
  });
});
