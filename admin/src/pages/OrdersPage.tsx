import { useState } from 'react';
import type { AdminOrder, Channel, OrderStatus } from '../api';
import { Pager } from '../components/Pager';
import { yuan } from '../format';
import { label, useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';

const STATUSES: OrderStatus[] = ['pending', 'paid', 'closed', 'failed'];
const CHANNELS: Channel[] = ['wechat', 'alipay', 'sandbox'];

/**
 * Orders with filters and totals. A pending order can be checked with its payment channel
 * ("query channel"): when the channel's notify was lost, the backend applies what the channel
 * says and the row shows the order as stored now. Ids and times never wrap: the table scrolls.
 */
export function OrdersPage() {
  const { api } = useSession();
  const { t, dateTime, errorText } = useI18n();
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const [channel, setChannel] = useState<Channel | ''>('');
  const [page, setPage] = useState(1);
  const { data, error, reload, setData } = useLoad(
    () => api.orders({ status, channel, page, pageSize: 20 }),
    [api, status, channel, page],
  );
  // Per order: what the last channel query answered, and whether one is under way.
  const [checks, setChecks] = useState<Record<string, { busy: boolean; note: string }>>({});
  const note = (id: string, busy: boolean, text: string) => setChecks((c) => ({ ...c, [id]: { busy, note: text } }));

  const queryChannel = async (order: AdminOrder) => {
    note(order.id, true, t('orders.querying'));
    try {
      const fresh = await api.refreshOrder(order.id);
      // The answer has no phone (it is joined by the list only): keep the one shown.
      setData((d) => d && { ...d, items: d.items.map((o) => (o.id === fresh.id ? { ...o, ...fresh } : o)) });
      note(order.id, false, t('orders.answer', { status: label(t, 'order.status', fresh.status) }));
    } catch (err) {
      note(order.id, false, errorText(err));
    }
  };

  return (
    <div className="stack" data-testid="orders">
      <div className="row spread wrap">
        <h1>{t('nav.orders')}</h1>
        <button type="button" className="secondary" onClick={reload}>
          {t('common.refresh')}
        </button>
      </div>
      <div className="row wrap">
        <select
          aria-label={t('orders.status')}
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as OrderStatus | '');
            setPage(1);
          }}
        >
          <option value="">{t('orders.anyStatus')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {label(t, 'order.status', s)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('orders.channel')}
          value={channel}
          onChange={(e) => {
            setChannel(e.target.value as Channel | '');
            setPage(1);
          }}
        >
          <option value="">{t('orders.anyChannel')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {label(t, 'channel', c)}
            </option>
          ))}
        </select>
      </div>
      {data && (
        <div className="tiles">
          <div className="tile">
            <span className="muted small">{t('orders.count')}</span>
            <strong>{data.totals.count}</strong>
          </div>
          <div className="tile">
            <span className="muted small">{t('orders.paidCount')}</span>
            <strong>{data.totals.paidCount}</strong>
          </div>
          <div className="tile">
            <span className="muted small">{t('orders.paidAmount')}</span>
            <strong>{yuan(data.totals.paidAmountFen)}</strong>
          </div>
        </div>
      )}
      <p className="muted small">{t('orders.help')}</p>
      {error && <p className="error">{error}</p>}
      <div className="table-wrap">
        <table className="orders-table">
          <thead>
            <tr>
              <th>{t('orders.created')}</th>
              <th>{t('orders.phone')}</th>
              <th>{t('orders.amount')}</th>
              <th>{t('orders.channel')}</th>
              <th>{t('orders.status')}</th>
              <th>{t('orders.outTradeNo')}</th>
              <th>{t('orders.transactionId')}</th>
              <th>{t('orders.paidAt')}</th>
              <th>{t('orders.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((o) => (
              <tr key={o.id} data-testid="order-row" data-order-id={o.id} data-status={o.status}>
                <td className="nowrap">{dateTime(o.createdAt)}</td>
                <td className="nowrap">{o.phone ?? o.userId.slice(0, 8)}</td>
                <td className="nowrap num">{yuan(o.amountFen)}</td>
                <td className="nowrap">{label(t, 'channel', o.channel)}</td>
                <td className="nowrap">
                  <span className={`badge ${o.status === 'paid' ? 'ok' : o.status === 'pending' ? 'warn' : ''}`}>
                    {label(t, 'order.status', o.status)}
                  </span>
                </td>
                <td className="mono small nowrap" data-testid="order-no">
                  {o.outTradeNo}
                </td>
                <td className="mono small nowrap">{o.transactionId ?? '—'}</td>
                <td className="nowrap">{dateTime(o.paidAt)}</td>
                <td className="nowrap">
                  {/* Any unpaid order: a payment the channel reports settles a closed or failed one too. */}
                  {o.status !== 'paid' && (
                    <button
                      type="button"
                      className="link"
                      disabled={checks[o.id]?.busy}
                      onClick={() => void queryChannel(o)}
                      data-testid="query-channel"
                    >
                      {t('orders.query')}
                    </button>
                  )}
                  {checks[o.id] && (
                    <div className="small muted" data-testid="channel-answer">
                      {checks[o.id].note}
                    </div>
                  )}
                </td>
              </tr>
            ))}
            {data && data.items.length === 0 && (
              <tr>
                <td colSpan={9} className="muted">
                  {t('orders.empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {data && <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} />}
    </div>
  );
}
