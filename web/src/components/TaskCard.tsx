import type { Task } from '../api';
import { useNames } from '../lib/catalog';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { TaskActions } from './TaskActions';
import { TaskStatus } from './TaskStatus';
import { isVideoUrl } from './VideoAlbum';

/** A card's checkbox in a list with bulk actions (the history). */
export interface CardSelection {
  checked: boolean;
  onChange: (checked: boolean) => void;
}

/** One task in a list: thumbnail, kind, state and the quick actions; the picture opens the detail. */
export function TaskCard({ task, select }: { task: Task; select?: CardSelection }) {
  const { t, lang } = useI18n();
  const names = useNames();
  // Until a result exists the card shows the garment photo it started from.
  // A video result (the album) shows its first source image.
  const thumb = (isVideoUrl(task.resultUrls[0]) ? undefined : task.resultUrls[0]) ?? task.inputUrl;
  const open = () => navigate(`/tasks/${task.id}`);
  return (
    <article
      className={select?.checked ? 'task-card picked' : 'task-card'}
      data-testid="task-card"
      data-task-id={task.id}
      data-status={task.status}
    >
      {select && (
        <input
          type="checkbox"
          className="pick"
          data-testid="select"
          checked={select.checked}
          onChange={(e) => select.onChange(e.target.checked)}
          aria-label={`${t('history.select')} ${task.inputName ?? names.type(task.type)} ${new Date(task.createdAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB')}`}
        />
      )}
      <button type="button" className="thumb" onClick={open} aria-label={t('task.open')}>
        {thumb ? <img src={thumb} alt="" loading="lazy" /> : <span className="thumb-empty" />}
        {task.resultUrls.length > 1 && <span className="thumb-count">×{task.resultUrls.length}</span>}
      </button>
      <div className="task-body">
        <a
          href={`/tasks/${task.id}`}
          onClick={(e) => {
            e.preventDefault();
            open();
          }}
        >
          <strong>{names.type(task.type)}</strong>
        </a>
        {task.inputName && (
          <span className="small ellipsis" data-testid="input-name" title={task.inputName}>
            {task.inputName}
          </span>
        )}
        <span className="small muted">
          {new Date(task.createdAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB')}
        </span>
        <TaskStatus task={task} compact />
        <TaskActions task={task} compact />
      </div>
    </article>
  );
}
