import { useEffect, useState } from 'react';
import type { TaskStatus, TaskType } from '../api';
import { dateTime } from '../format';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { TaskDetail } from './TaskDetail';

const STATUSES: TaskStatus[] = ['queued', 'processing', 'done', 'failed', 'canceled'];
const PAGE = 50;
const LIVE_MS = 3000;

/** Every merchant's tasks; "live" re-reads the page every 3 s (the /ws feed is merchant-only). */
export function TasksPage() {
  const { api } = useSession();
  const [status, setStatus] = useState<TaskStatus | ''>('');
  const [type, setType] = useState<TaskType | ''>('');
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
          <h1>任务</h1>
          <label className="row small">
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> 实时刷新
          </label>
        </div>
        <div className="row wrap">
          <select
            aria-label="状态"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as TaskStatus | '');
              setOffset(0);
            }}
          >
            <option value="">全部状态</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <select
            aria-label="类型"
            value={type}
            onChange={(e) => {
              setType(e.target.value as TaskType | '');
              setOffset(0);
            }}
          >
            <option value="">全部类型</option>
            <option value="basic_clean">basic_clean</option>
            <option value="model_pose12">model_pose12</option>
          </select>
          <input
            placeholder="手机号"
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
                <th>创建</th>
                <th>手机号</th>
                <th>类型</th>
                <th>状态</th>
                <th>进度</th>
                <th>错误</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((t) => (
                <tr
                  key={t.id}
                  className={selected === t.id ? 'selected clickable' : 'clickable'}
                  onClick={() => setSelected(t.id)}
                  data-testid="task-row"
                  data-status={t.status}
                >
                  <td>{dateTime(t.createdAt)}</td>
                  <td>{t.phone}</td>
                  <td>{t.type}</td>
                  <td>
                    <span className={`badge ${t.status}`}>{t.status}</span>
                  </td>
                  <td>
                    <meter min={0} max={100} value={t.progress} /> {t.progress}%
                  </td>
                  <td className="small error">{t.errorCode ?? ''}</td>
                </tr>
              ))}
              {list.data && list.data.items.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    没有任务
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
              上一页
            </button>
            <span className="muted small">
              {offset + 1}–{Math.min(offset + PAGE, list.data.total)} / {list.data.total}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={offset + PAGE >= list.data.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              下一页
            </button>
          </div>
        )}
      </section>
      {selected && <TaskDetail key={selected} id={selected} onClose={() => setSelected(null)} />}
    </div>
  );
}
