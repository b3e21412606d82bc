import { useEffect } from 'react';
import { label, useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useTaskTypes } from '../lib/task-types';
import { useLoad } from '../lib/use-load';

const FINISHED = new Set(['done', 'failed', 'canceled']);

/**
 * Inputs, results, parameters and errors of one task, with a link to the n8n execution that
 * worked on it; re-read every 3 s until it finishes.
 */
export function TaskDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { api } = useSession();
  const { t, dateTime } = useI18n();
  const { typeName } = useTaskTypes();
  const { data: task, error, reload } = useLoad(() => api.task(id), [api, id]);
  const running = task !== null && !FINISHED.has(task.status);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void reload(), 3000);
    return () => clearInterval(timer);
  }, [running, reload]);
  if (error && !task)
    return (
      <aside className="card detail">
        <p className="error">{error}</p>
      </aside>
    );
  if (!task) return <aside className="card detail muted">{t('common.loading')}</aside>;
  return (
    <aside className="card stack detail" data-testid="task-detail">
      <div className="row spread">
        <h2>
          <span title={task.type}>{typeName(task.type)}</span>{' '}
          <span className={`badge ${task.status}`}>{label(t, 'task.status', task.status)}</span>
        </h2>
        <button type="button" className="link" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      {error && <p className="error small">{error}</p>}
      <dl className="facts">
        <dt>{t('task.id')}</dt>
        <dd className="mono small">{task.id}</dd>
        <dt>{t('task.batch')}</dt>
        <dd className="mono small">{task.batchId}</dd>
        <dt>{t('task.user')}</dt>
        <dd>{task.phone}</dd>
        <dt>{t('task.inputName')}</dt>
        <dd data-testid="task-input-name">
          {task.inputName ?? <span className="muted">{t('task.noInputName')}</span>}
        </dd>
        <dt>{t('task.params')}</dt>
        <dd className="mono small">{JSON.stringify(task.params)}</dd>
        <dt>{t('tasks.progress')}</dt>
        <dd>{task.progress}%</dd>
        <dt>{t('task.n8n')}</dt>
        <dd data-testid="task-execution">
          {task.n8nExecutionUrl ? (
            <a href={task.n8nExecutionUrl} target="_blank" rel="noreferrer" data-testid="task-execution-link">
              {t('task.openExecution', { id: task.n8nExecutionId ?? '' })}
            </a>
          ) : task.n8nExecutionId ? (
            <span className="mono small">#{task.n8nExecutionId}</span>
          ) : (
            <span className="muted small">{t('task.noExecution')}</span>
          )}
        </dd>
        <dt>{t('task.vendor')}</dt>
        <dd className="mono small">{task.vendorTaskId ?? '—'}</dd>
        <dt>{t('task.times')}</dt>
        <dd>
          {dateTime(task.createdAt)} / {dateTime(task.finishedAt)}
        </dd>
        <dt>{t('task.deadline')}</dt>
        <dd>{dateTime(task.deadlineAt)}</dd>
        {task.hidden && (
          <>
            <dt>{t('task.hidden')}</dt>
            <dd>{t('task.hiddenText')}</dd>
          </>
        )}
      </dl>
      {(task.errorCode || task.errorReason) && (
        <p className="error" data-testid="task-error">
          {task.errorCode && (
            <strong>
              {label(t, 'task.error', task.errorCode)} <span className="mono small">({task.errorCode})</span>
            </strong>
          )}{' '}
          {task.errorReason}
        </p>
      )}
      {task.errorDetail && (
        // What n8n reported (the vendor's code and words): staff only, never sent to the merchant.
        <>
          <h3>{t('task.errorDetail')}</h3>
          <pre className="mono small error-detail" data-testid="task-error-detail">
            {task.errorDetail}
          </pre>
        </>
      )}
      <h3>{t('task.input')}</h3>
      <a href={task.inputUrl} target="_blank" rel="noreferrer">
        <img className="input-img" src={task.inputUrl} alt={t('task.inputAlt')} />
      </a>
      <p className="mono small muted">{task.inputKey}</p>
      {task.resultUrls.length > 0 && (
        <>
          <h3>{t('task.results', { n: task.resultUrls.length })}</h3>
          <div className="results">
            {task.resultUrls.map((url, i) => (
              <a key={url} href={url} target="_blank" rel="noreferrer" title={task.resultKeys[i]}>
                <img src={url} alt={t('task.resultAlt', { n: i + 1 })} data-testid="admin-result" />
              </a>
            ))}
          </div>
        </>
      )}
    </aside>
  );
}
