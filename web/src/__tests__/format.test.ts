import { formatFen } from '../format';

describe('formatFen', () => {
  it('shows whole yuan without decimals and cents with two digits', () => {
    expect(formatFen(9900)).toBe('¥99');
    expect(formatFen(9905)).toBe('¥99.05');
    expect(formatFen(1)).toBe('¥0.01');
    expect(formatFen(-250)).toBe('-¥2.50');
  });

  it('refuses fractional fen', () => {
    expect(() => formatFen(1.5)).toThrow(/integer/);
  });
});
