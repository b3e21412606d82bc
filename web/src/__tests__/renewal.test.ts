import { renewalPreview } from '../lib/renewal';

const DAY = 24 * 3600 * 1000;
const now = new Date('2026-12-01T10:00:00.000Z');
const plan = { credits: 100, days: 30 };

describe('renewalPreview (what paying will do, as the server grants it)', () => {
  it('an active membership: credits added to what is left, the period follows the current end', () => {
    const end = '2026-12-20T08:00:00.000Z';
    expect(renewalPreview({ isMember: true, quotaRemaining: 37, quotaExpireAt: end }, plan, now)).toEqual({
      creditsBefore: 37,
      creditsAfter: 137,
      expiresAt: new Date(Date.parse(end) + 30 * DAY),
      extendsCurrent: true,
    });
  });

  it('no membership: the period starts now', () => {
    expect(renewalPreview({ isMember: false, quotaRemaining: 0, quotaExpireAt: null }, plan, now)).toEqual({
      creditsBefore: 0,
      creditsAfter: 100,
      expiresAt: new Date(now.getTime() + 30 * DAY),
      extendsCurrent: false,
    });
  });

  it('a lapsed membership (or one whose end has just passed) starts again now; pack credits stay', () => {
    const lapsed = { isMember: false, quotaRemaining: 20, quotaExpireAt: '2026-11-01T00:00:00.000Z' };
    expect(renewalPreview(lapsed, plan, now)).toMatchObject({
      creditsAfter: 120,
      expiresAt: new Date(now.getTime() + 30 * DAY),
      extendsCurrent: false,
    });
    // Still flagged a member but past its end (not yet downgraded): treated as lapsed, like the server.
    const justEnded = { isMember: true, quotaRemaining: 5, quotaExpireAt: '2026-12-01T09:59:59.000Z' };
    expect(renewalPreview(justEnded, plan, now).extendsCurrent).toBe(false);
  });
});
