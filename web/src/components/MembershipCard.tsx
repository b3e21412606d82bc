import { useEffect, useState } from 'react';
import type { PendingOrder, Plan } from '../api';
import { formatFen } from '../format';
import { useI18n } from '../lib/i18n';
import { renewalPreview } from '../lib/renewal';
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
  // An order started earlier (before a reload) that can still be paid: offered before a new one.
  const [pending, setPending] = useState<PendingOrder | null>(null);
  const [resume, setResume] = useState<PendingOrder | null>(null);

  useEffect(() => {
    api.plans().then(
      (r) => setPlan(r.plans[0] ?? null),
      (err: unknown) => setError(errorText(err)),
    );
  }, [api, errorText]);

  const loadPending = () =>
    api.pendingOrder().then(
      (r) => setPending(r.pending),
      () => setPending(null), // nothing to offer then; buying still works
    );
  useEffect(() => {
    void loadPending();
    // Once per sign-in; afterwards refreshed when a checkout ends.
  }, [api]);

  const cancelPending = async (orderId: string) => {
    setError(null);
    try {
      await api.closeOrder(orderId);
      setPending(null);
      await refreshMe(); // a payment that had arrived meanwhile is settled instead of closed
    } catch (err) {
      setError(errorText(err));
    }
  };

  const state = membershipState(me);
  const price = plan ? formatFen(plan.priceFen) : '';
  const date = (iso: string | Date) => new Date(iso).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB');
  const clock = (iso: string) =>
    new Date(iso).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  const preview = plan && renewalPreview(me, plan);

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
      {pending && !buying && (
        <div
          className="notice warn pending-order"
          role="status"
          data-testid="pending-order"
          data-order-id={pending.order.id}
        >
          <span>
            {t('pricing.pending', {
              item: pending.order.item.kind === 'pack' ? pending.order.item.name : t('member.title'),
              price: formatFen(pending.order.amountFen),
              time: clock(pending.order.expiresAt),
            })}
          </span>
          <div className="row wrap">
            <button
              type="button"
              className="primary"
              onClick={() => {
                setResume(pending);
                setBuying(true);
              }}
              data-testid="pending-continue"
            >
              {t('pricing.pendingContinue')}
            </button>
            <button
              type="button"
              className="link"
              onClick={() => void cancelPending(pending.order.id)}
              data-testid="pending-cancel"
            >
              {t('pricing.pendingCancel')}
            </button>
          </div>
        </div>
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
      {buying && preview && !resume && (
        <p className="muted small" data-testid="renewal-preview">
          {preview.extendsCurrent && me.quotaExpireAt
            ? t('pricing.previewRenew', {
                before: preview.creditsBefore,
                after: preview.creditsAfter,
                from: date(me.quotaExpireAt),
                date: date(preview.expiresAt),
              })
            : t('pricing.previewNew', {
                before: preview.creditsBefore,
                after: preview.creditsAfter,
                date: date(preview.expiresAt),
              })}
        </p>
      )}
      {buying && plan && (
        <Checkout
          key={resume?.order.id ?? 'new'}
          resume={resume ?? undefined}
          purchase={(channel, scene) => api.purchase({ channel, scene: scene ?? undefined, planId: plan.id })}
          onPaid={async () => {
            setPending(null);
            await refreshMe();
            await onPaid?.();
          }}
          onDone={() => {
            setBuying(false);
            setResume(null);
            void loadPending();
          }}
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
