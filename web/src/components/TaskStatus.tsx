import type { Task } from '../api';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import type { MessageKey } from '../lib/messages';
import { ProgressBar } from './ProgressBar';

const KNOWN_FAILURES = ['VENDOR_FAILED', 'GENERATION_FAILED', 'TIMEOUT', 'INVALID_RESULT', 'CONTENT_REJECTED'] as const;

export function failureKey(code: string | null): MessageKey {
  const known = KNOWN_FAILURES.find((k) => k === code);
  return known ? `failure.${known}` : 'failure.other';
}

/**
 * State badge, progress while running, and for failures an honest account (issue 15): whose
 * fault it was (this photo, or our service), why in the merchant's words, the refund, the photo
 * that failed with its own name, and — once retried — where the retry is. Never a vendor's
 * words, a vendor name, a storage key or an internal code.
 */
export function TaskStatus({ task, compact }: { task: Task; compact?: boolean }) {
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
      {task.status === 'failed' && <Failure task={task} compact={compact} />}
      {task.status === 'canceled' && <p className="muted small">{t('task.notCharged')}</p>}
    </div>
  );
}

/** `compact`: on a card, whose own picture and caption already show the failed photo and its name. */
function Failure({ task, compact }: { task: Task; compact?: boolean }) {
  const { t } = useI18n();
  const photo = task.failureKind === 'photo';
  const retry = task.retry;
  const openRetry = (e: { preventDefault(): void }) => {
    e.preventDefault();
    if (retry) navigate(`/tasks/${retry.id}`);
  };
  return (
    <div className="failure small" data-testid="failure" data-kind={photo ? 'photo' : 'service'}>
      <p className="error" data-testid="failure-text">
        <strong>{t(photo ? 'failure.photo' : 'failure.service')}</strong>
        {t(failureKey(task.errorCode))}
      </p>
      <p data-testid="failure-next">
        <strong>{t(photo ? 'failure.photoNext' : 'failure.serviceNext')}</strong>
      </p>
      {!compact && (
        <figure className="failure-photo" data-testid="failure-photo">
          <img src={task.inputUrl} alt={t('failure.which')} loading="lazy" />
          <figcaption>
            <span className="muted">{t('failure.which')}</span>
            <span className="failure-name" data-testid="failure-name">
              {task.inputName ?? t('failure.unnamed')}
            </span>
          </figcaption>
        </figure>
      )}
      {retry && (retry.status === 'done' || retry.status === 'queued' || retry.status === 'processing') && (
        <p>
          <a href={`/tasks/${retry.id}`} onClick={openRetry} data-testid="retried">
            {t(retry.status === 'done' ? 'failure.retried' : 'failure.retrying')}
          </a>
        </p>
      )}
    </div>
  );
}
