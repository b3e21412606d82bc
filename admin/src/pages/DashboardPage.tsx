import { DailyChart } from '../components/DailyChart';
import { percent, yuan } from '../format';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';

const STATUSES = ['queued', 'processing', 'done', 'failed', 'canceled'] as const;

export function DashboardPage() {
  const { api } = useSession();
  const { data: s, error, reload } = useLoad(() => api.stats(14), [api]);
  if (error) return <p className="error">{error}</p>;
  if (!s) return <p className="muted">加载中…</p>;
  const tiles: Array<[string, string]> = [
    ['用户', String(s.users.total)],
    ['会员', String(s.users.members)],
    ['收入', yuan(s.orders.revenueFen)],
    ['订单（已付 / 全部）', `${s.orders.paid} / ${s.orders.total}`],
    ['成功率', percent(s.successRate)],
    ['退款（次 / 点）', `${s.refunds.count} / ${s.refunds.credits}`],
  ];
  return (
    <div className="stack" data-testid="dashboard">
      <div className="row spread">
        <h1>概览</h1>
        <button type="button" className="secondary" onClick={reload}>
          刷新
        </button>
      </div>
      <div className="tiles">
        {tiles.map(([label, value]) => (
          <div key={label} className="tile">
            <span className="muted small">{label}</span>
            <strong>{value}</strong>
          </div>
        ))}
      </div>
      <section className="card">
        <h2>
          近 14 天任务 <span className="muted small">（蓝：全部，红：失败）</span>
        </h2>
        <DailyChart daily={s.daily} />
      </section>
      <section className="card">
        <h2>任务（按类型 / 状态）</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>类型</th>
                {STATUSES.map((st) => (
                  <th key={st}>{st}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Object.entries(s.tasks).map(([type, by]) => (
                <tr key={type}>
                  <td>{type}</td>
                  {STATUSES.map((st) => (
                    <td key={st}>{by[st] ?? 0}</td>
                  ))}
                </tr>
              ))}
              {Object.keys(s.tasks).length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    暂无任务
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
