import { useState } from 'react';
import type { TaskBatch } from '../api';
import { saveBlob } from '../lib/download';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';
import { useLiveTasks } from '../lib/use-live-tasks';
import { TaskCard } from './TaskCard';

/**
 * A batch, following each task live; the ZIP covers every finished task. `restored`: read back
 * from the server (an earlier visit), titled with its time rather than "this batch".
 */
export function LiveBatch({ batch, restored = false }: { batch: TaskBatch; restored?: boolean }) {
  const { api, live } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const tasks = useLiveTasks(batch.tasks);
  const [error, setError] = useState<string | null>(null);
  const anyDone = tasks.some((x) => x.status === 'done');
  const zip = async () => {
    try {
      const { blob, fileName } = await api.batchZip(batch.batchId);
      saveBlob(blob, fileName);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card" data-testid="batch" data-batch-id={batch.batchId} data-restored={restored}>
      <div className="row spread">
        <h2>
          {restored ? t('create.earlierBatch') : t('create.batch')}
          {restored && batch.tasks[0] && (
            <span className="small muted">
              {' '}
              {new Date(batch.tasks[0].createdAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB')}
            </span>
          )}
        </h2>
        <span className="small muted">{live.socketState === 'ready' ? t('task.live') : t('task.polling')}</span>
      </div>
      <div className="task-grid">
        {tasks.map((task) => (
          <TaskCard key={task.id} task={task} />
        ))}
      </div>
      {anyDone && (
        <button type="button" className="secondary" onClick={zip} data-testid="batch-zip">
          {t('create.batchZip')}
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
