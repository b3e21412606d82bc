/**
 * What paying for the membership will do, said before paying (the server's rule, ledger.grant):
 * while the membership is active the new period starts at its current end and the plan's
 * credits are added to what is left; otherwise the period starts now (a lapsed membership's own
 * credits are already gone from `quotaRemaining`: the server downgrades it when it answers /me).
 */
export interface RenewalPreview {
  creditsBefore: number;
  creditsAfter: number;
  /** The membership's end once paid. */
  expiresAt: Date;
  /** The new period follows the current one (an active membership). */
  extendsCurrent: boolean;
}

const DAY_MS = 24 * 3600 * 1000;

export function renewalPreview(
  me: { isMember: boolean; quotaRemaining: number; quotaExpireAt: string | null },
  plan: { credits: number; days: number },
  now: Date = new Date(),
): RenewalPreview {
  const current = me.quotaExpireAt ? Date.parse(me.quotaExpireAt) : NaN;
  const extendsCurrent = me.isMember && Number.isFinite(current) && current > now.getTime();
  const start = extendsCurrent ? current : now.getTime();
  return {
    creditsBefore: me.quotaRemaining,
    creditsAfter: me.quotaRemaining + plan.credits,
    expiresAt: new Date(start + plan.days * DAY_MS),
    extendsCurrent,
  };
}
