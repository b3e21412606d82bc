import { useEffect, useState } from 'react';
import type { Receipt } from '../api';
import { itemLabel } from '../components/OrderRow';
import { formatFen, formatTime } from '../format';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { useSignedIn } from '../lib/session-context';

/** A receipt for one of my orders, printable (the browser's print dialog saves a PDF). */
export function ReceiptPage({ id }: { id: string }) {
  const { api, me } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.receipt(id).then(setReceipt, (err: unknown) => setError(errorText(err)));
  }, [api, id, errorText]);

  const rows: Array<[string, string]> = receipt
    ? [
        [t('receipt.item'), itemLabel(receipt.item, t)],
        [t('receipt.amount'), formatFen(receipt.amountFen)],
        [t('receipt.status'), t(`order.${receipt.status}`)],
        [t('receipt.channel'), t(`pay.channel.${receipt.channel}`)],
        [t('receipt.orderNo'), receipt.outTradeNo],
        [t('receipt.transactionNo'), receipt.transactionId ?? '—'],
        [t('receipt.created'), formatTime(receipt.createdAt, lang)],
        [t('receipt.paid'), receipt.paidAt ? formatTime(receipt.paidAt, lang) : '—'],
        [t('receipt.account'), me.phone],
      ]
    : [];
  return (
    <section className="stack receipt" data-testid="receipt" data-status={receipt?.status}>
      <div className="row spread wrap no-print">
        <button type="button" className="link" onClick={() => navigate('/billing')}>
          ← {t('billing.title')}
        </button>
        <button type="button" className="secondary" onClick={() => window.print()} disabled={!receipt}>
          {t('receipt.print')}
        </button>
      </div>
      <div className="card">
        <h1>{t('receipt.title')}</h1>
        <p className="muted small">{t('brand')}</p>
        {error && <p className="error">{error}</p>}
        <dl className="receipt-fields">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
