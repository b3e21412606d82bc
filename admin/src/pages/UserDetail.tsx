import { useState, type FormEvent } from 'react';
import type { AdminUser } from '../api';
import { Pager } from '../components/Pager';
import { dateTime } from '../format';
import { useAdmin } from '../lib/session';
import { useLoad } from '../lib/use-load';

const KIND: Record<string, string> = {
  grant: '购买发放',
  reserve: '任务扣减',
  refund: '失败退回',
  expire: '到期清零',
  adjust: '人工调整',
};

/** Membership, ledger history and (admins only) a credit adjustment with a required reason. */
export function UserDetail({
  user,
  onUpdated,
  onClose,
}: {
  user: AdminUser;
  onUpdated: (u: AdminUser) => void;
  onClose: () => void;
}) {
  const { api, admin } = useAdmin();
  const [page, setPage] = useState(1);
  const ledger = useLoad(() => api.ledger(user.id, page, 10), [api, user.id, page]);
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const adjust = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(delta);
    if (!Number.isInteger(n) || n === 0) return setError('调整数量须为非零整数（负数为扣减）');
    if (!reason.trim()) return setError('请填写调整原因');
    setBusy(true);
    setError(null);
    try {
      const res = await api.adjust(user.id, n, reason.trim());
      onUpdated(res.user);
      setDelta('');
      setReason('');
      setPage(1);
      await ledger.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="card stack detail" data-testid="user-detail">
      <div className="row spread">
        <h2>{user.phone}</h2>
        <button type="button" className="link" onClick={onClose}>
          关闭
        </button>
      </div>
      <dl className="facts">
        <dt>会员</dt>
        <dd>{user.isMember ? '有效' : user.quotaExpireAt ? '已过期' : '未开通'}</dd>
        <dt>额度</dt>
        <dd data-testid="user-quota">{user.quotaRemaining}</dd>
        <dt>到期</dt>
        <dd>{dateTime(user.quotaExpireAt)}</dd>
        <dt>用户 ID</dt>
        <dd className="mono small">{user.id}</dd>
      </dl>
      {admin.role === 'admin' && (
        <form className="stack adjust" onSubmit={adjust}>
          <h3>调整额度</h3>
          <div className="row wrap">
            <input
              name="delta"
              placeholder="如 10 或 -5"
              inputMode="numeric"
              value={delta}
              onChange={(e) => setDelta(e.target.value)}
              className="narrow"
            />
            <input
              name="reason"
              placeholder="原因（必填，记录在账本中）"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={255}
              className="grow"
            />
            <button type="submit" className="primary" disabled={busy}>
              确认调整
            </button>
          </div>
          {error && (
            <p className="error small" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
      <h3>额度账本</h3>
      {ledger.error && <p className="error">{ledger.error}</p>}
      <div className="table-wrap">
        <table data-testid="ledger">
          <thead>
            <tr>
              <th>时间</th>
              <th>类型</th>
              <th>变动</th>
              <th>余额</th>
              <th>原因 / 关联</th>
            </tr>
          </thead>
          <tbody>
            {ledger.data?.items.map((e) => (
              <tr key={e.id}>
                <td>{dateTime(e.createdAt)}</td>
                <td className="nowrap">{KIND[e.kind] ?? e.kind}</td>
                <td className={e.delta > 0 ? 'ok' : 'error'}>{e.delta > 0 ? `+${e.delta}` : e.delta}</td>
                <td>{e.balanceAfter}</td>
                <td className="small">
                  {e.reason ??
                    (e.taskId ? `任务 ${e.taskId.slice(0, 8)}` : e.orderId ? `订单 ${e.orderId.slice(0, 8)}` : '')}
                </td>
              </tr>
            ))}
            {ledger.data && ledger.data.items.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  暂无记录
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {ledger.data && (
        <Pager page={ledger.data.page} pageSize={ledger.data.pageSize} total={ledger.data.total} onPage={setPage} />
      )}
    </aside>
  );
}
