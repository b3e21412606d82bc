import { useState } from 'react';
import type { AdminOrder, Channel, OrderStatus } from '../api';
import { Pager } from '../components/Pager';
import { dateTime, yuan } from '../format';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';

const STATUS_TEXT: Record<OrderStatus, string> = {
  pending: '待支付',
  paid: '已支付',
  closed: '已关闭',
  failed: '失败',
};

/**
 * Orders with filters and totals. A pending order can be checked with its payment channel
 * ("查询渠道"): when the channel's notify was lost, the backend applies what the channel says
 * and the row shows the order as stored now.
 */
export function OrdersPage() {
  const { api } = useSession();
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
    note(order.id, true, '查询中…');
    try {
      const fresh = await api.refreshOrder(order.id);
      // The answer has no phone (it is joined by the list only): keep the one shown.
      setData((d) => d && { ...d, items: d.items.map((o) => (o.id === fresh.id ? { ...o, ...fresh } : o)) });
      note(order.id, false, `渠道：${STATUS_TEXT[fresh.status]}`);
    } catch (err) {
      note(order.id, false, err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="stack" data-testid="orders">
      <div className="row spread wrap">
        <h1>订单</h1>
        <button type="button" className="secondary" onClick={reload}>
          刷新
        </button>
      </div>
      <div className="row wrap">
        <select
          aria-label="状态"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as OrderStatus | '');
            setPage(1);
          }}
        >
          <option value="">全部状态</option>
          {Object.entries(STATUS_TEXT).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <select
          aria-label="渠道"
          value={channel}
          onChange={(e) => {
            setChannel(e.target.value as Channel | '');
            setPage(1);
          }}
        >
          <option value="">全部渠道</option>
          <option value="wechat">微信支付</option>
          <option value="alipay">支付宝</option>
          <option value="sandbox">沙箱</option>
        </select>
      </div>
      {data && (
        <div className="tiles">
          <div className="tile">
            <span className="muted small">订单数</span>
            <strong>{data.totals.count}</strong>
          </div>
          <div className="tile">
            <span className="muted small">已支付</span>
            <strong>{data.totals.paidCount}</strong>
          </div>
          <div className="tile">
            <span className="muted small">已支付金额</span>
            <strong>{yuan(data.totals.paidAmountFen)}</strong>
          </div>
        </div>
      )}
      <p className="muted small">
        待支付订单由后台定时向支付渠道查询；支付通知丢失时，可用「查询渠道」立即向渠道确认。
      </p>
      {error && <p className="error">{error}</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>创建</th>
              <th>手机号</th>
              <th>金额</th>
              <th>渠道</th>
              <th>状态</th>
              <th>商户单号</th>
              <th>渠道流水号</th>
              <th>支付时间</th>
              <th>操作</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((o) => (
              <tr key={o.id} data-testid="order-row" data-order-id={o.id} data-status={o.status}>
                <td>{dateTime(o.createdAt)}</td>
                <td>{o.phone ?? o.userId.slice(0, 8)}</td>
                <td>{yuan(o.amountFen)}</td>
                <td>{o.channel}</td>
                <td>
                  <span className={`badge ${o.status === 'paid' ? 'ok' : o.status === 'pending' ? 'warn' : ''}`}>
                    {STATUS_TEXT[o.status]}
                  </span>
                </td>
                <td className="mono small">{o.outTradeNo}</td>
                <td className="mono small">{o.transactionId ?? '—'}</td>
                <td>{dateTime(o.paidAt)}</td>
                <td>
                  {/* Any unpaid order: a payment the channel reports settles a closed or failed one too. */}
                  {o.status !== 'paid' && (
                    <button
                      type="button"
                      className="link"
                      disabled={checks[o.id]?.busy}
                      onClick={() => void queryChannel(o)}
                      data-testid="query-channel"
                    >
                      查询渠道
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
                  没有订单
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
