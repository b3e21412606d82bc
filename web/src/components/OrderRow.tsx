import type { Order } from '../api';
import { formatFen, formatTime } from '../format';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';

type T = ReturnType<typeof useI18n>['t'];

/** What an order sold, as the merchant reads it. */
export function itemLabel(item: Order['item'], t: T): string {
  return item.kind === 'pack'
    ? `${item.name} · ${t('common.credits', { n: item.credits })}`
    : t('billing.item.membership');
}

const STATUS_BADGE: Record<Order['status'], string> = {
  paid: 'ok',
  pending: 'processing',
  failed: 'failed',
  closed: '',
};

/** One order in Billing: when, what, how paid, how much, its state, and the receipt link. */
export function OrderRow({ order }: { order: Order }) {
  const { t, lang } = useI18n();
  const receipt = `/billing/orders/${order.id}`;
  return (
    <li className="bill-row" data-testid="order-row" data-status={order.status} data-channel={order.channel}>
      <span className="bill-main">
        <strong>{itemLabel(order.item, t)}</strong>
        <span className="muted small">
          {formatTime(order.createdAt, lang)} · {t(`pay.channel.${order.channel}`)}
        </span>
      </span>
      <span className="bill-side">
        <strong>{formatFen(order.amountFen)}</strong>
        <span className={`badge ${STATUS_BADGE[order.status]}`}>{t(`order.${order.status}`)}</span>
        <a
          href={receipt}
          onClick={(e) => {
            e.preventDefault();
            navigate(receipt);
          }}
        >
          {t('billing.receipt')}
        </a>
      </span>
    </li>
  );
}
