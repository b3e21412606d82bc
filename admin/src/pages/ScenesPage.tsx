import { useState } from 'react';
import type { AdminScene, SceneKind } from '../api';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { SceneForm } from './SceneForm';

const KIND_TEXT: Record<SceneKind, string> = { scene: '场景', garment: '服装类别' };

/** Scenes and garment categories with their prompt fragments (the only place they are shown). */
export function ScenesPage() {
  const { api } = useSession();
  const { data, error, reload } = useLoad(() => api.scenes(), [api]);
  const [editing, setEditing] = useState<AdminScene | 'new' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const toggle = async (s: AdminScene) => {
    try {
      await api.updateScene(s.id, { active: !s.active });
      await reload();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    }
  };
  const remove = async (s: AdminScene) => {
    if (!window.confirm(`删除「${s.name}」？已有任务保留其代码 ${s.code}。`)) return;
    try {
      await api.deleteScene(s.id);
      await reload();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="stack" data-testid="scenes">
      <div className="row spread wrap">
        <h1>场景与类别</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          新增
        </button>
      </div>
      <p className="muted small">
        提示词片段属于商业机密：只在这里可见，不会返回给商家。停用的条目不再出现在新任务的选项中。
      </p>
      {(error || actionError) && <p className="error">{error ?? actionError}</p>}
      {editing && (
        <SceneForm
          scene={editing === 'new' ? null : editing}
          onDone={async () => {
            setEditing(null);
            await reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {(['scene', 'garment'] as const).map((kind) => (
        <section key={kind} className="card">
          <h2>{KIND_TEXT[kind]}</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>排序</th>
                  <th>代码</th>
                  <th>名称</th>
                  <th>提示词片段</th>
                  <th>状态</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data?.items
                  .filter((s) => s.category === kind)
                  .map((s) => (
                    <tr key={s.id} data-testid="scene-row" data-code={s.code}>
                      <td>{s.sort}</td>
                      <td className="mono">{s.code}</td>
                      <td>{s.name}</td>
                      <td className="prompt small">{s.promptFragment}</td>
                      <td>{s.active ? <span className="badge ok">启用</span> : <span className="badge">停用</span>}</td>
                      <td className="nowrap">
                        <button type="button" className="link" onClick={() => setEditing(s)}>
                          编辑
                        </button>{' '}
                        <button type="button" className="link" onClick={() => toggle(s)}>
                          {s.active ? '停用' : '启用'}
                        </button>{' '}
                        <button type="button" className="link danger" onClick={() => remove(s)}>
                          删除
                        </button>
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
