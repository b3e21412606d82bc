import { useEffect, useState } from 'react';
import type { Task } from '../api';
import { ResultGallery } from '../components/ResultGallery';
import { TaskActions } from '../components/TaskActions';
import { TaskStatus } from '../components/TaskStatus';
import { useNames } from '../lib/catalog';
import { useI18n } from '../lib/i18n';
import { VideoAlbumAction } from '../components/VideoAlbum';
import { navigate } from '../lib/router';
import { useSignedIn } from '../lib/session-context';
import { useLiveTasks } from '../lib/use-live-tasks';

export function TaskPage({ id }: { id: string }) {
  const { api, live } = useSignedIn();
  const { t, errorText } = useI18n();
  const [initial, setInitial] = useState<Task[] | null>(() => {
    const known = live.store.get(id);
    return known ? [known] : null;
  });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.task(id).then(
      (task) => setInitial([task]),
      (err: unknown) => setError(errorText(err)),
    );
  }, [api, id, errorText]);

  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!initial) return <p className="muted">{t('common.loading')}</p>;
  return <TaskDetail initial={initial} />;
}

function TaskDetail({ initial }: { initial: Task[] }) {
  const { t, lang } = useI18n();
  const names = useNames();
  const [task] = useLiveTasks(initial);
  // Scene, category and choices by their names in the current language, never their codes.
  const params = names.params(task.type, task.params);
  return (
    <div className="stack" data-testid="task-page" data-status={task.status}>
      <a
        href="/tasks"
        className="small"
        onClick={(e) => {
          e.preventDefault();
          navigate('/tasks');
        }}
      >
        ← {t('task.back')}
      </a>
      <section className="card">
        <div className="row spread wrap">
          <h1>{names.type(task.type)}</h1>
          <span className="small muted">
            {t('task.createdAt', { time: new Date(task.createdAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB') })}
          </span>
        </div>
        {params && (
          <p className="muted small" data-testid="task-params">
            {params}
          </p>
        )}
        <TaskStatus task={task} />
        <TaskActions task={task} />
      </section>
      <ResultGallery task={task} />
      <VideoAlbumAction task={task} />
    </div>
  );
}
