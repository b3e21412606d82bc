import { useEffect, useState } from 'react';
import type { Order } from '../api';
import { useI18n } from '../lib/i18n';
import { watchOrder } from '../lib/payment-watch';
import { navigate } from '../lib/router';
import { useSignedIn } from '../lib/session-context';

type View = { kind: 'checking' } | { kind: 'done'; status: Order['status'] } | { kind: 'error'; message: string };

/**
 * Where a phone or desktop cashier sends the payer back (`/billing/return?orderId=…`). The
 * parameters the cashier appends are never trusted: the page asks the server, which asks the
 * channel, until the order is paid or has ended.
 */
export function PayReturnPage() {
  const { api, refreshMe } = useSignedIn();
  const { t, errorText } = useI18n();
  const orderId = new URLSearchParams(window.location.search).get('orderId') ?? '';
  const [view, setView] = useState<View>({ kind: 'checking' });

  useEffect(() => {
    const controller = new AbortController();
    watchOrder(() => api.order(orderId, true), { signal: controller.signal }).then(
      async (outcome) => {
        if (outcome.kind === 'paid' || outcome.kind === 'ended') {
          setView({ kind: 'done', status: outcome.order.status });
          if (outcome.kind === 'paid') await refreshMe();
        } else if (outcome.kind === 'timeout') setView({ kind: 'done', status: 'pending' });
      },
      (err: unknown) => setView({ kind: 'error', message: errorText(err) }),
    );
    return () => controller.abort();
  }, [api, orderId, refreshMe, errorText]);

  const status = view.kind === 'done' ? view.status : undefined;
  return (
    <section className="card stack" data-testid="pay-return" data-status={status ?? view.kind}>
      <h1>{t('payReturn.title')}</h1>
      {view.kind === 'checking' && (
        <p className="notice" role="status">
          <span className="spinner" aria-hidden /> {t('payReturn.checking')}
        </p>
      )}
      {status === 'paid' && <p className="ok">{t('member.paid')}</p>}
      {status === 'pending' && <p className="warn">{t('member.confirming')}</p>}
      {(status === 'failed' || status === 'closed') && (
        <p className="error" role="alert">
          {t(status === 'failed' ? 'pay.failed' : 'pay.closed')}
        </p>
      )}
      {view.kind === 'error' && <p className="error">{view.message}</p>}
      <div className="row wrap">
        <button type="button" className="primary" onClick={() => navigate('/billing')}>
          {t('billing.title')}
        </button>
        {orderId && (
          <button type="button" className="secondary" onClick={() => navigate(`/billing/orders/${orderId}`)}>
            {t('billing.receipt')}
          </button>
        )}
      </div>
    </section>
  );
}
