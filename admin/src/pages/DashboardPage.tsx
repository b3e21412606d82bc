import { DailyChart } from '../components/DailyChart';
import { percent, yuan } from '../format';
import { label, useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useTaskTypes } from '../lib/task-types';
import { useLoad } from '../lib/use-load';

const STATUSES = ['queued', 'processing', 'done', 'failed', 'canceled'] as const;

export function DashboardPage() {
  const { api } = useSession();
  const { t } = useI18n();
  const { typeName } = useTaskTypes();
  const { data: s, error, reload } = useLoad(() => api.stats(14), [api]);
  if (error) return <p className="error">{error}</p>;
  if (!s) return <p className="muted">{t('common.loading')}</p>;
  const tiles: Array<[string, string]> = [
    [t('dashboard.users'), String(s.users.total)],
    [t('dashboard.members'), String(s.users.members)],
    [t('dashboard.revenue'), yuan(s.orders.revenueFen)],
    [t('dashboard.orders'), `${s.orders.paid} / ${s.orders.total}`],
    [t('dashboard.successRate'), percent(s.successRate)],
    [t('dashboard.refunds'), `${s.refunds.count} / ${s.refunds.credits}`],
  ];
  return (
    <div className="stack" data-testid="dashboard">
      <div className="row spread">
        <h1>{t('nav.dashboard')}</h1>
        <button type="button" className="secondary" onClick={reload}>
          {t('common.refresh')}
        </button>
      </div>
      <div className="tiles">
        {tiles.map(([name, value]) => (
          <div key={name} className="tile">
            <span className="muted small">{name}</span>
            <strong>{value}</strong>
          </div>
        ))}
      </div>
      <section className="card">
        <h2>
          {t('dashboard.chart')} <span className="muted small">{t('dashboard.legend')}</span>
        </h2>
        <DailyChart daily={s.daily} />
      </section>
      <section className="card">
        <h2>{t('dashboard.byType')}</h2>
        <div className="table-wrap">
          <table data-testid="tasks-by-type">
            <thead>
              <tr>
                <th>{t('dashboard.type')}</th>
                {STATUSES.map((st) => (
                  <th key={st}>{label(t, 'task.status', st)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Object.entries(s.tasks).map(([type, by]) => (
                <tr key={type}>
                  <td title={type}>{typeName(type)}</td>
                  {STATUSES.map((st) => (
                    <td key={st}>{by[st] ?? 0}</td>
                  ))}
                </tr>
              ))}
              {Object.keys(s.tasks).length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    {t('dashboard.noTasks')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
