import type { LedgerEntry } from '../api';
import { formatTime, signed } from '../format';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';

/** One ledger row: what moved the balance, by how much, the balance after, and a link to its task or order. */
export function LedgerRow({ entry }: { entry: LedgerEntry }) {
  const { t, lang } = useI18n();
  const link = entry.taskId ? `/tasks/${entry.taskId}` : entry.orderId ? `/billing/orders/${entry.orderId}` : null;
  return (
    <li className="bill-row" data-testid="ledger-row" data-source={entry.source}>
      <span className="bill-main">
        <strong>{t(`ledger.${entry.source}`)}</strong>
        <span className="muted small">{formatTime(entry.createdAt, lang)}</span>
      </span>
      <span className="bill-side">
        <strong className={entry.delta > 0 ? 'ok' : entry.delta < 0 ? 'warn' : ''} data-testid="ledger-delta">
          {signed(entry.delta)}
        </strong>
        <span className="muted small">{t('ledger.balance', { n: entry.balanceAfter })}</span>
        {link && (
          <a
            href={link}
            onClick={(e) => {
              e.preventDefault();
              navigate(link);
            }}
          >
            {t(entry.taskId ? 'ledger.openTask' : 'billing.receipt')}
          </a>
        )}
      </span>
    </li>
  );
}
