import { useCallback, useState } from 'react';
import { CheckinCard } from '../components/CheckinCard';
import { CreditsCard } from '../components/CreditsCard';
import { InviteCard } from '../components/InviteCard';
import { LedgerRow } from '../components/LedgerRow';
import { MembershipCard } from '../components/MembershipCard';
import { OrderRow } from '../components/OrderRow';
import { PacksCard } from '../components/PacksCard';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';
import { usePaged } from '../lib/use-paged';

/**
 * 账单 / Billing: membership and credit packs (buying), my credits by lot with their ends, the
 * daily check-in, invites, my orders (with receipts) and my credit ledger.
 */
export function BillingPage() {
  const { api, refreshMe } = useSignedIn();
  const { t, errorText } = useI18n();
  const orders = usePaged(
    useCallback((page: number) => api.myOrders(page, 10), [api]),
    errorText,
  );
  const ledger = usePaged(
    useCallback((page: number) => api.myLedger(page, 20), [api]),
    errorText,
  );
  // Bumped after anything that moves credits, so the lots are read again.
  const [version, setVersion] = useState(0);
  const changed = () => {
    setVersion((v) => v + 1);
    return Promise.all([orders.reload(), ledger.reload(), refreshMe()]);
  };

  return (
    <section className="stack" data-testid="billing">
      <h1>{t('billing.title')}</h1>
      <MembershipCard onPaid={changed} />
      <CheckinCard onGranted={() => void changed()} />
      <CreditsCard version={version} />
      <PacksCard onPaid={changed} />
      <InviteCard />
      <section className="card" data-testid="orders">
        <h2>{t('billing.orders')}</h2>
        {orders.error && <p className="error">{orders.error}</p>}
        {!orders.loading && !orders.items.length && <p className="muted">{t('billing.noOrders')}</p>}
        <ul className="bill-list">
          {orders.items.map((o) => (
            <OrderRow key={o.id} order={o} />
          ))}
        </ul>
        {orders.hasMore && (
          <button type="button" className="secondary" onClick={() => void orders.more()} disabled={orders.loading}>
            {t('history.more')}
          </button>
        )}
      </section>
      <section className="card" data-testid="ledger">
        <h2>{t('billing.ledger')}</h2>
        {ledger.error && <p className="error">{ledger.error}</p>}
        {!ledger.loading && !ledger.items.length && <p className="muted">{t('billing.noLedger')}</p>}
        <ul className="bill-list">
          {ledger.items.map((e) => (
            <LedgerRow key={e.id} entry={e} />
          ))}
        </ul>
        {ledger.hasMore && (
          <button type="button" className="secondary" onClick={() => void ledger.more()} disabled={ledger.loading}>
            {t('history.more')}
          </button>
        )}
      </section>
    </section>
  );
}
