import type { Task } from '../api';
import { useI18n } from '../lib/i18n';
import { ProgressBar } from './ProgressBar';

/** State badge, progress while running, and for failures the reason and the refund note. */
export function TaskStatus({ task }: { task: Task }) {
  const { t } = useI18n();
  const running = task.status === 'queued' || task.status === 'processing';
  return (
    <div className="task-status" data-status={task.status}>
      <span className={`badge ${task.status}`}>{t(`task.${task.status}`)}</span>
      {running && (
        <>
          <ProgressBar value={task.progress} />
          <span className="small muted">{task.progress}%</span>
        </>
      )}
      {task.status === 'failed' && (
        <p className="error small" data-testid="failure">
          {task.errorReason ?? task.errorCode} · <strong>{t('task.notCharged')}</strong>
        </p>
      )}
      {task.status === 'canceled' && <p className="muted small">{t('task.notCharged')}</p>}
    </div>
  );
}
