import { useCallback, useEffect, useState } from 'react';
import type { Task, TaskStatus } from '../api';
import { TaskCard } from '../components/TaskCard';
import { useCatalog } from '../lib/catalog';
import { useI18n } from '../lib/i18n';
import { localized } from '../lib/task-form';
import { useSignedIn } from '../lib/session-context';
import { useLiveTasks } from '../lib/use-live-tasks';

const STATUSES: TaskStatus[] = ['queued', 'processing', 'done', 'failed', 'canceled'];

/** Own tasks newest first, filtered by type and state, paged with the server's cursor. */
export function HistoryPage() {
  const { api } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const { types } = useCatalog();
  const [type, setType] = useState('');
  const [status, setStatus] = useState<TaskStatus | ''>('');
  const [items, setItems] = useState<Task[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.tasks({
          cursor: from ?? undefined,
          limit: 12,
          type: type || undefined,
          status: status || undefined,
        });
        setItems((list) => (from ? [...list, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (err) {
        setError(errorText(err));
      } finally {
        setLoading(false);
      }
    },
    [api, type, status, errorText],
  );
  useEffect(() => {
    void load(null);
  }, [load]);
  const tasks = useLiveTasks(items);

  return (
    <section className="stack" data-testid="history">
      <div className="row spread wrap">
        <h1>{t('history.title')}</h1>
        <div className="row wrap">
          <select aria-label={t('create.type')} value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">{t('history.allTypes')}</option>
            {(types ?? []).map((d) => (
              <option key={d.key} value={d.key}>
                {localized(d.name, lang)}
              </option>
            ))}
          </select>
          <select aria-label="status" value={status} onChange={(e) => setStatus(e.target.value as TaskStatus | '')}>
            <option value="">{t('history.allStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`task.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}{' '}
          <button type="button" className="link" onClick={() => load(null)}>
            {t('common.retry')}
          </button>
        </p>
      )}
      {!loading && !error && tasks.length === 0 && <p className="muted">{t('history.empty')}</p>}
      <div className="task-grid">
        {tasks.map((task) => (
          <TaskCard key={task.id} task={task} />
        ))}
      </div>
      {loading && <p className="muted">{t('common.loading')}</p>}
      {!loading && cursor && (
        <button type="button" className="secondary" onClick={() => load(cursor)}>
          {t('history.more')}
        </button>
      )}
      {!loading && !cursor && tasks.length > 0 && <p className="muted small center">{t('history.end')}</p>}
    </section>
  );
}
