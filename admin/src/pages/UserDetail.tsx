import { useState, type FormEvent } from 'react';
import type { AdminUser } from '../api';
import { Pager } from '../components/Pager';
import { label, useI18n } from '../lib/i18n';
import { useAdmin } from '../lib/session';
import { useLoad } from '../lib/use-load';

interface PendingAdjustment {
  delta: number;
  reason: string;
}

/**
 * Membership, ledger history and (admins only) a credit adjustment with a required reason,
 * confirmed before it is made; each ledger row of an adjustment names the admin who made it.
 */
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
  const { t, errorText, dateTime } = useI18n();
  const [page, setPage] = useState(1);
  const ledger = useLoad(() => api.ledger(user.id, page, 10), [api, user.id, page]);
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<PendingAdjustment | null>(null);

  const ask = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(delta);
    if (!Number.isInteger(n) || n === 0) return setError(t('user.badDelta'));
    if (!reason.trim()) return setError(t('user.noReason'));
    setError(null);
    setPending({ delta: n, reason: reason.trim() });
  };

  const adjust = async ({ delta: n, reason: why }: PendingAdjustment) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.adjust(user.id, n, why);
      onUpdated(res.user);
      setDelta('');
      setReason('');
      setPage(1);
      await ledger.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  const membership = user.isMember ? t('user.active') : user.quotaExpireAt ? t('user.expired') : t('user.none');
  return (
    <aside className="card stack detail" data-testid="user-detail">
      <div className="row spread">
        <h2>{user.phone}</h2>
        <button type="button" className="link" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <dl className="facts">
        <dt>{t('user.membership')}</dt>
        <dd>{membership}</dd>
        <dt>{t('users.credits')}</dt>
        <dd data-testid="user-quota">{user.quotaRemaining}</dd>
        <dt>{t('users.expires')}</dt>
        <dd>{dateTime(user.quotaExpireAt)}</dd>
        <dt>{t('user.id')}</dt>
        <dd className="mono small">{user.id}</dd>
      </dl>
      {admin.role === 'admin' && (
        <form className="stack adjust" onSubmit={ask}>
          <h3>{t('user.adjustTitle')}</h3>
          <div className="row wrap">
            <input
              name="delta"
              placeholder={t('user.deltaPlaceholder')}
              inputMode="numeric"
              value={delta}
              onChange={(e) => setDelta(e.target.value)}
              className="narrow"
              disabled={pending !== null}
            />
            <input
              name="reason"
              placeholder={t('user.reasonPlaceholder')}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={255}
              className="grow"
              disabled={pending !== null}
            />
            <button type="submit" className="primary" disabled={busy || pending !== null}>
              {t('user.adjust')}
            </button>
          </div>
          {pending && (
            <div className="confirm row wrap" role="alertdialog" data-testid="adjust-confirm">
              <span>
                {t(pending.delta > 0 ? 'user.confirmAdd' : 'user.confirmRemove', {
                  n: Math.abs(pending.delta),
                  phone: user.phone,
                  reason: pending.reason,
                })}
              </span>
              <button
                type="button"
                className={pending.delta > 0 ? 'primary' : 'danger'}
                disabled={busy}
                onClick={() => void adjust(pending)}
                data-testid="adjust-confirm-yes"
              >
                {t('user.confirmYes')}
              </button>
              <button type="button" className="secondary" disabled={busy} onClick={() => setPending(null)}>
                {t('common.cancel')}
              </button>
            </div>
          )}
          {error && (
            <p className="error small" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
      <h3>{t('user.ledger')}</h3>
      {ledger.error && <p className="error">{ledger.error}</p>}
      <div className="table-wrap">
        <table data-testid="ledger">
          <thead>
            <tr>
              <th>{t('user.time')}</th>
              <th>{t('user.kind')}</th>
              <th>{t('user.delta')}</th>
              <th>{t('user.balance')}</th>
              <th>{t('user.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {ledger.data?.items.map((e) => (
              <tr key={e.id} data-testid="ledger-row" data-kind={e.kind}>
                <td className="nowrap">{dateTime(e.createdAt)}</td>
                <td className="nowrap">{label(t, 'ledger', e.kind)}</td>
                <td className={e.delta > 0 ? 'ok' : 'error'}>{e.delta > 0 ? `+${e.delta}` : e.delta}</td>
                <td>{e.balanceAfter}</td>
                <td className="small">
                  {e.reason ??
                    (e.taskId
                      ? t('user.taskRef', { id: e.taskId.slice(0, 8) })
                      : e.orderId
                        ? t('user.orderRef', { id: e.orderId.slice(0, 8) })
                        : '')}
                  {e.adminId && (
                    <div className="muted" data-testid="ledger-admin" data-admin={e.adminUsername ?? e.adminId}>
                      {t('user.byName', { name: e.adminUsername ?? e.adminId.slice(0, 8) })}
                    </div>
                  )}
                </td>
              </tr>
            ))}
            {ledger.data && ledger.data.items.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  {t('user.ledgerEmpty')}
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
