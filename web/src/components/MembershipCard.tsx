import { useEffect, useRef, useState } from 'react';
import type { Plan } from '../api';
import { formatFen } from '../format';
import { useI18n } from '../lib/i18n';
import { watchOrder } from '../lib/payment-watch';
import { useSignedIn } from '../lib/session-context';

type PayState =
  | { kind: 'idle' }
  | { kind: 'waiting'; orderId: string; payUrl: string | null; blocked: boolean }
  | { kind: 'confirming'; orderId: string }
  | { kind: 'paid' }
  | { kind: 'failed'; message: string };

export type MembershipState = 'none' | 'active' | 'expired';

export function membershipState(me: { isMember: boolean; quotaExpireAt: string | null }): MembershipState {
  if (me.isMember) return 'active';
  return me.quotaExpireAt ? 'expired' : 'none';
}

/** Membership state and buy/renew through the sandbox (or a real) channel's pay page. */
export function MembershipCard() {
  const { api, me, refreshMe } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [pay, setPay] = useState<PayState>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    api.plans().then(
      (r) => setPlan(r.plans[0] ?? null),
      (err: unknown) => setPay({ kind: 'failed', message: errorText(err) }),
    );
    return () => abort.current?.abort();
  }, [api, errorText]);

  const follow = async (orderId: string) => {
    abort.current?.abort();
    abort.current = new AbortController();
    const outcome = await watchOrder(() => api.order(orderId), { signal: abort.current.signal });
    if (outcome.kind === 'paid') {
      setPay({ kind: 'paid' });
      await refreshMe();
    } else if (outcome.kind === 'ended')
      setPay({ kind: 'failed', message: t('member.payFailed', { status: outcome.order.status }) });
    else if (outcome.kind === 'timeout') setPay({ kind: 'confirming', orderId });
  };

  const buy = async () => {
    // Opened synchronously inside the click so popup blockers allow it; pointed at the pay page below.
    const tab = window.open('', '_blank');
    try {
      const res = await api.purchase('sandbox', plan?.id);
      const payUrl = typeof res.payParams.payUrl === 'string' ? res.payParams.payUrl : null;
      if (tab && payUrl) {
        tab.opener = null;
        tab.location.href = payUrl;
      } else tab?.close();
      setPay({ kind: 'waiting', orderId: res.orderId, payUrl, blocked: !tab });
      await follow(res.orderId);
    } catch (err) {
      tab?.close();
      setPay({ kind: 'failed', message: errorText(err) });
    }
  };

  const refresh = async (orderId: string) => {
    try {
      const order = await api.order(orderId, true);
      if (order.status === 'paid') {
        setPay({ kind: 'paid' });
        await refreshMe();
      } else if (order.status === 'pending') setPay({ kind: 'confirming', orderId });
      else setPay({ kind: 'failed', message: t('member.payFailed', { status: order.status }) });
    } catch (err) {
      setPay({ kind: 'failed', message: errorText(err) });
    }
  };

  const state = membershipState(me);
  const price = plan ? formatFen(plan.priceFen) : '';
  const date = (iso: string) => new Date(iso).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB');
  const busy = pay.kind === 'waiting';

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
      <div className="row wrap">
        <button
          type="button"
          className={state === 'active' ? 'secondary' : 'primary'}
          onClick={buy}
          disabled={!plan || busy}
          data-testid="buy"
        >
          {state === 'none' ? t('member.buy', { price }) : t('member.renew', { price })}
        </button>
      </div>
      {pay.kind === 'waiting' && (
        <div className="notice" role="status" data-testid="pay-waiting">
          <span className="spinner" aria-hidden /> {pay.blocked ? t('member.popupBlocked') : t('member.waiting')}
          {pay.payUrl && (
            <a href={pay.payUrl} target="_blank" rel="noopener noreferrer">
              {t('member.openPay')}
            </a>
          )}
        </div>
      )}
      {pay.kind === 'confirming' && (
        <div className="notice warn" role="status" data-testid="pay-confirming">
          {t('member.confirming')}{' '}
          <button type="button" className="secondary" onClick={() => refresh(pay.orderId)}>
            {t('common.refresh')}
          </button>
        </div>
      )}
      {pay.kind === 'paid' && (
        <p className="ok" data-testid="pay-paid">
          {t('member.paid')}
        </p>
      )}
      {pay.kind === 'failed' && (
        <p className="error" role="alert">
          {pay.message}
        </p>
      )}
    </section>
  );
}
