import { useEffect, useState } from 'react';
import type { TaskStatus } from '../api';
import { label, useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useTaskTypes } from '../lib/task-types';
import { useLoad } from '../lib/use-load';
import { TaskDetail } from './TaskDetail';

const STATUSES: TaskStatus[] = ['queued', 'processing', 'done', 'failed', 'canceled'];
const PAGE = 50;
const LIVE_MS = 3000;

/** Every merchant's tasks; "live" re-reads the page every 3 s (the /ws feed is merchant-only). */
export function TasksPage() {
  const { api } = useSession();
  const { t, dateTime } = useI18n();
  const { types, typeName } = useTaskTypes();
  const [status, setStatus] = useState<TaskStatus | ''>('');
  const [type, setType] = useState('');
  const [phone, setPhone] = useState('');
  const [offset, setOffset] = useState(0);
  const [live, setLive] = useState(true);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useLoad(
    () => api.tasks({ status, type, phone: phone || undefined, limit: PAGE, offset }),
    [api, status, type, phone, offset],
  );
  const { reload } = list;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void reload(), LIVE_MS);
    return () => clearInterval(timer);
  }, [live, reload]);

  return (
    <div className="split" data-testid="tasks">
      <section className="stack">
        <div className="row spread wrap">
          <h1>{t('nav.tasks')}</h1>
          <label className="row small">
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> {t('tasks.live')}
          </label>
        </div>
        <div className="row wrap">
          <select
            aria-label={t('tasks.status')}
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as TaskStatus | '');
              setOffset(0);
            }}
          >
            <option value="">{t('tasks.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(t, 'task.status', s)}
              </option>
            ))}
          </select>
          <select
            aria-label={t('tasks.type')}
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">{t('tasks.anyType')}</option>
            {types.map((ty) => (
              <option key={ty.key} value={ty.key}>
                {typeName(ty.key)}
              </option>
            ))}
          </select>
          <input
            placeholder={t('tasks.phone')}
            aria-label={t('tasks.phone')}
            inputMode="numeric"
            value={phone}
            onChange={(e) => {
              setPhone(e.target.value.replace(/\D/g, ''));
              setOffset(0);
            }}
          />
        </div>
        {list.error && <p className="error">{list.error}</p>}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('tasks.created')}</th>
                <th>{t('tasks.phone')}</th>
                <th>{t('tasks.type')}</th>
                <th>{t('tasks.inputName')}</th>
                <th>{t('tasks.status')}</th>
                <th>{t('tasks.progress')}</th>
                <th>{t('tasks.error')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((task) => (
                <tr
                  key={task.id}
                  className={selected === task.id ? 'selected clickable' : 'clickable'}
                  onClick={() => setSelected(task.id)}
                  data-testid="task-row"
                  data-status={task.status}
                  data-type={task.type}
                >
                  <td className="nowrap">{dateTime(task.createdAt)}</td>
                  <td className="nowrap">{task.phone}</td>
                  <td title={task.type}>{typeName(task.type)}</td>
                  <td className="small ellipsis" title={task.inputName ?? ''} data-testid="task-input-name">
                    {task.inputName ?? ''}
                  </td>
                  <td>
                    <span className={`badge ${task.status}`}>{label(t, 'task.status', task.status)}</span>
                  </td>
                  <td className="nowrap">
                    <meter min={0} max={100} value={task.progress} /> {task.progress}%
                  </td>
                  <td className="small error" title={task.errorCode ?? ''}>
                    {task.errorCode ? label(t, 'task.error', task.errorCode) : ''}
                  </td>
                </tr>
              ))}
              {list.data && list.data.items.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    {t('tasks.empty')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        {list.data && (
          <div className="row pager">
            <button
              type="button"
              className="secondary"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              {t('common.prev')}
            </button>
            <span className="muted small">
              {t('common.range', {
                from: Math.min(offset + 1, list.data.total),
                to: Math.min(offset + PAGE, list.data.total),
                total: list.data.total,
              })}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={offset + PAGE >= list.data.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              {t('common.next')}
            </button>
          </div>
        )}
      </section>
      {selected && <TaskDetail key={selected} id={selected} onClose={() => setSelected(null)} />}
    </div>
  );
}
