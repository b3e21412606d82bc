import { useEffect, useState } from 'react';
import type { Plan } from '../api';
import { formatFen } from '../format';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';
import { Checkout } from './Checkout';

export type MembershipState = 'none' | 'active' | 'expired';

export function membershipState(me: { isMember: boolean; quotaExpireAt: string | null }): MembershipState {
  if (me.isMember) return 'active';
  return me.quotaExpireAt ? 'expired' : 'none';
}

/** Membership state and buy/renew through any enabled payment channel (see Checkout). */
export function MembershipCard({ onPaid }: { onPaid?: () => Promise<unknown> } = {}) {
  const { api, me, refreshMe } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [buying, setBuying] = useState(false);

  useEffect(() => {
    api.plans().then(
      (r) => setPlan(r.plans[0] ?? null),
      (err: unknown) => setError(errorText(err)),
    );
  }, [api, errorText]);

  const state = membershipState(me);
  const price = plan ? formatFen(plan.priceFen) : '';
  const date = (iso: string) => new Date(iso).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB');

  return (
    <section className="card" data-testid="membership" data-state={state}>
      <h2>{t('member.title')}</h2>
      {state === 'active' && (
        <div className="stats">
          <span className="badge ok">{t('member.active')}</span>
          <span>
            {t('member.credits')} <strong data-testid="credits">{me.quotaRemaining}</strong>
          </span>
          {me.quotaExpireAt && (
            <span>
              {t('member.expires')} {date(me.quotaExpireAt)}
            </span>
          )}
        </div>
      )}
      {state === 'none' && (
        <p>
          <span className="badge">{t('member.none')}</span>{' '}
          {plan && <span className="muted">{t('member.noneHint', { credits: plan.credits, days: plan.days })}</span>}
        </p>
      )}
      {state === 'expired' && (
        <p>
          <span className="badge warn">{t('member.expired')}</span>{' '}
          <span className="muted">{t('member.expiredHint')}</span>
        </p>
      )}
      {!buying && (
        <div className="row wrap">
          <button
            type="button"
            className={state === 'active' ? 'secondary' : 'primary'}
            onClick={() => setBuying(true)}
            disabled={!plan}
            data-testid="buy"
          >
            {state === 'none' ? t('member.buy', { price }) : t('member.renew', { price })}
          </button>
        </div>
      )}
      {buying && plan && (
        <Checkout
          purchase={(channel, scene) => api.purchase({ channel, scene: scene ?? undefined, planId: plan.id })}
          onPaid={async () => {
            await refreshMe();
            await onPaid?.();
          }}
          onDone={() => setBuying(false)}
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
