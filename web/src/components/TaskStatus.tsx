import type { Task } from '../api';
import { useI18n } from '../lib/i18n';
import type { MessageKey } from '../lib/messages';
import { ProgressBar } from './ProgressBar';

const KNOWN_FAILURES = ['VENDOR_FAILED', 'GENERATION_FAILED', 'TIMEOUT', 'INVALID_RESULT', 'CONTENT_REJECTED'] as const;

export function failureKey(code: string | null): MessageKey {
  const known = KNOWN_FAILURES.find((k) => k === code);
  return known ? `failure.${known}` : 'failure.other';
}

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
        <div className="failure small" data-testid="failure">
          <p className="error">
            {t(failureKey(task.errorCode))} · <strong>{t('task.notCharged')}</strong>
          </p>
          {task.errorReason && (
            // The code (quoted to support) and the server's message; vendor text never reaches merchants.
            <details>
              <summary className="muted">{t('task.details')}</summary>
              <p className="muted mono">
                {task.errorCode}: {task.errorReason}
              </p>
            </details>
          )}
        </div>
      )}
      {task.status === 'canceled' && <p className="muted small">{t('task.notCharged')}</p>}
    </div>
  );
}
