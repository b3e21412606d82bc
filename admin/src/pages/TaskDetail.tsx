import { useEffect } from 'react';
import { dateTime } from '../format';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';

const FINISHED = new Set(['done', 'failed', 'canceled']);

/** Inputs, results, parameters and errors of one task; re-read every 3 s until it finishes. */
export function TaskDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { api } = useSession();
  const { data: t, error, reload } = useLoad(() => api.task(id), [api, id]);
  const running = t !== null && !FINISHED.has(t.status);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void reload(), 3000);
    return () => clearInterval(timer);
  }, [running, reload]);
  if (error)
    return (
      <aside className="card detail">
        <p className="error">{error}</p>
      </aside>
    );
  if (!t) return <aside className="card detail muted">加载中…</aside>;
  return (
    <aside className="card stack detail" data-testid="task-detail">
      <div className="row spread">
        <h2>
          {t.type} <span className={`badge ${t.status}`}>{t.status}</span>
        </h2>
        <button type="button" className="link" onClick={onClose}>
          关闭
        </button>
      </div>
      <dl className="facts">
        <dt>任务 ID</dt>
        <dd className="mono small">{t.id}</dd>
        <dt>批次</dt>
        <dd className="mono small">{t.batchId}</dd>
        <dt>用户</dt>
        <dd>{t.phone}</dd>
        <dt>参数</dt>
        <dd className="mono small">{JSON.stringify(t.params)}</dd>
        <dt>进度</dt>
        <dd>{t.progress}%</dd>
        <dt>供应商任务</dt>
        <dd className="mono small">{t.vendorTaskId ?? '—'}</dd>
        <dt>创建 / 完成</dt>
        <dd>
          {dateTime(t.createdAt)} / {dateTime(t.finishedAt)}
        </dd>
        <dt>截止</dt>
        <dd>{dateTime(t.deadlineAt)}</dd>
        {t.hidden && (
          <>
            <dt>隐藏</dt>
            <dd>商家已从作品中删除</dd>
          </>
        )}
      </dl>
      {(t.errorCode || t.errorReason) && (
        <p className="error" data-testid="task-error">
          <strong>{t.errorCode}</strong> {t.errorReason}
        </p>
      )}
      {t.errorDetail && (
        // What n8n reported (the vendor's code and words): staff only, never sent to the merchant.
        <>
          <h3>供应商原始信息</h3>
          <pre className="mono small error-detail" data-testid="task-error-detail">
            {t.errorDetail}
          </pre>
        </>
      )}
      <h3>输入</h3>
      <a href={t.inputUrl} target="_blank" rel="noreferrer">
        <img className="input-img" src={t.inputUrl} alt="输入图片" />
      </a>
      <p className="mono small muted">{t.inputKey}</p>
      {t.resultUrls.length > 0 && (
        <>
          <h3>结果（{t.resultUrls.length}）</h3>
          <div className="results">
            {t.resultUrls.map((url, i) => (
              <a key={url} href={url} target="_blank" rel="noreferrer" title={t.resultKeys[i]}>
                <img src={url} alt={`结果 ${i + 1}`} data-testid="admin-result" />
              </a>
            ))}
          </div>
        </>
      )}
    </aside>
  );
}
