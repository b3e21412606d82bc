import type { Lot } from '../credit-lots.repository';
import { isDue, planAllocation, spendOrder } from '../credit-lots.repository';

const lot = (id: string, remaining: number, expiresAt: string | null, createdAt = '2026-01-01 00:00:00.000'): Lot => ({
  id,
  userId: 'u',
  source: expiresAt ? 'pack' : 'membership',
  ledgerKey: `k-${id}`,
  amount: remaining,
  remaining,
  expiresAt,
  expiredAt: null,
  createdAt,
});

describe('credit lots', () => {
  it('spends the soonest-expiring lot first; membership lots end with the membership', () => {
    const membershipEnd = new Date('2026-02-01T00:00:00Z');
    const pack = lot('pack', 5, '2026-12-31 00:00:00.000');
    const member = lot('member', 5, null);
    const soonPack = lot('soon', 5, '2026-01-15 00:00:00.000');
    expect(spendOrder([pack, member, soonPack], membershipEnd).map((l) => l.id)).toEqual(['soon', 'member', 'pack']);
    // Without a membership end, membership lots come last (they cannot be spent before a renewal anyway).
    expect(spendOrder([member, pack], null).map((l) => l.id)).toEqual(['pack', 'member']);
  });

  it('splits each task share over lots in order, and says when they hold too little', () => {
    const lots = [lot('a', 2, null), lot('b', 3, null)];
    expect(planAllocation(lots, [1, 1, 2])).toEqual([
      { index: 0, lotId: 'a', amount: 1 },
      { index: 1, lotId: 'a', amount: 1 },
      { index: 2, lotId: 'b', amount: 2 },
    ]);
    expect(planAllocation(lots, [3])).toEqual([
      { index: 0, lotId: 'a', amount: 2 },
      { index: 0, lotId: 'b', amount: 1 },
    ]);
    expect(planAllocation(lots, [5, 1])).toBeNull();
    expect(lots.map((l) => l.remaining)).toEqual([2, 3]); // the plan never mutates its input
  });

  it('a lot is due once its own expiry has passed; membership lots never are', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(isDue(lot('p', 1, '2026-05-31 23:59:59.999'), now)).toBe(true);
    expect(isDue(lot('p', 1, '2026-06-01 00:00:00.001'), now)).toBe(false);
    expect(isDue(lot('m', 1, null), now)).toBe(false);
  });
});
