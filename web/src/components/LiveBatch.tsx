import { useState } from 'react';
import type { TaskBatch } from '../api';
import { saveBlob } from '../lib/download';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';
import { useLiveTasks } from '../lib/use-live-tasks';
import { TaskCard } from './TaskCard';

/** The batch just created, following each task live; the ZIP covers every finished task. */
export function LiveBatch({ batch }: { batch: TaskBatch }) {
  const { api, live } = useSignedIn();
  const { t, errorText } = useI18n();
  const tasks = useLiveTasks(batch.tasks);
  const [error, setError] = useState<string | null>(null);
  const anyDone = tasks.some((x) => x.status === 'done');
  const zip = async () => {
    try {
      saveBlob(await api.batchZip(batch.batchId), `aiphoto-batch-${batch.batchId}.zip`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card" data-testid="batch">
      <div className="row spread">
        <h2>{t('create.batch')}</h2>
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
