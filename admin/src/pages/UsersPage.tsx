import { useState, type FormEvent } from 'react';
import type { AdminUser } from '../api';
import { Pager } from '../components/Pager';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { UserDetail } from './UserDetail';

export function UsersPage() {
  const { api } = useSession();
  const { t, dateTime } = useI18n();
  const [phone, setPhone] = useState('');
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<AdminUser | null>(null);
  const { data, error, setData } = useLoad(
    () => api.users({ phone: filter || undefined, page, pageSize: 20 }),
    [api, filter, page],
  );
  const search = (e: FormEvent) => {
    e.preventDefault();
    setPage(1);
    setFilter(phone.trim());
  };
  // The detail reports the adjusted user so the list shows the new balance without a reload.
  const updated = (u: AdminUser) => {
    setSelected(u);
    setData((d) => d && { ...d, items: d.items.map((x) => (x.id === u.id ? u : x)) });
  };
  return (
    <div className="split" data-testid="users">
      <section className="stack">
        <h1>{t('nav.users')}</h1>
        <form className="row" onSubmit={search}>
          <input
            name="phone"
            placeholder={t('users.phonePlaceholder')}
            inputMode="numeric"
            value={phone}
            onChange={(e) => setPhone(e.target.value.replace(/[^\d+]/g, ''))}
          />
          <button type="submit" className="primary">
            {t('users.search')}
          </button>
        </form>
        {error && <p className="error">{error}</p>}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('users.phone')}</th>
                <th>{t('users.member')}</th>
                <th>{t('users.credits')}</th>
                <th>{t('users.expires')}</th>
                <th>{t('users.registered')}</th>
              </tr>
            </thead>
            <tbody>
              {data?.items.map((u) => (
                <tr
                  key={u.id}
                  className={selected?.id === u.id ? 'selected clickable' : 'clickable'}
                  onClick={() => setSelected(u)}
                  data-testid="user-row"
                >
                  <td className="nowrap">{u.phone}</td>
                  <td>
                    {u.isMember ? (
                      <span className="badge ok">{t('users.isMember')}</span>
                    ) : (
                      <span className="badge">{t('common.no')}</span>
                    )}
                  </td>
                  <td>{u.quotaRemaining}</td>
                  <td className="nowrap">{dateTime(u.quotaExpireAt)}</td>
                  <td className="nowrap">{dateTime(u.createdAt)}</td>
                </tr>
              ))}
              {data && data.items.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    {t('users.empty')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        {data && <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} />}
      </section>
      {selected && (
        <UserDetail key={selected.id} user={selected} onUpdated={updated} onClose={() => setSelected(null)} />
      )}
    </div>
  );
}
