import type { Task } from '../api';
import { useI18n } from '../lib/i18n';
import { useTaskActions } from '../lib/use-task-actions';

export function TaskActions({ task, compact }: { task: Task; compact?: boolean }) {
  const { t } = useI18n();
  const a = useTaskActions(task);
  const running = task.status === 'queued' || task.status === 'processing';
  // A failed task whose retry is running or done offers no second Retry (its link shows instead).
  const retried = task.retry !== null && ['queued', 'processing', 'done'].includes(task.retry?.status ?? '');
  const ended = (task.status === 'failed' && !retried) || task.status === 'canceled';
  return (
    <div className="actions">
      <button
        type="button"
        className={task.favorite ? 'icon fav on' : 'icon fav'}
        disabled={a.busy}
        onClick={a.toggleFavorite}
        aria-pressed={task.favorite}
        title={task.favorite ? t('task.unfavorite') : t('task.favorite')}
        aria-label={t('task.favorite')}
      >
        ★
      </button>
      {running && (
        <button
          type="button"
          className="secondary"
          disabled={a.busy}
          data-testid="cancel"
          onClick={() => {
            // Canceling cannot be undone: ask first.
            if (window.confirm(t('task.cancelConfirm'))) a.cancel();
          }}
        >
          {t('task.cancel')}
        </button>
      )}
      {ended && (
        <button type="button" className="secondary" disabled={a.busy} onClick={a.retry} data-testid="retry">
          {t('task.retry')}
        </button>
      )}
      {task.status === 'done' && compact && task.resultUrls.length > 0 && (
        <button
          type="button"
          className="secondary"
          disabled={a.busy}
          onClick={a.downloadResults}
          data-testid="card-download"
          title={task.resultUrls.length === 1 ? task.resultNames[0] : undefined}
        >
          {task.resultUrls.length === 1 ? t('task.download') : t('task.zip')}
        </button>
      )}
      {task.status === 'done' && !compact && (
        <button type="button" className="secondary" disabled={a.busy} onClick={a.downloadZip} data-testid="task-zip">
          {t('task.zip')}
        </button>
      )}
      {a.error && (
        <p className="error small" role="alert">
          {a.error}
        </p>
      )}
    </div>
  );
}
