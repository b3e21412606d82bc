import { useState } from 'react';
import type { AdminScene, SceneKind } from '../api';
import { useSession } from '../lib/session';
import { useSubmit } from '../lib/use-submit';

/** Create (all fields) or edit (code and kind are fixed: tasks store the code). */
export function SceneForm({
  scene,
  onDone,
  onCancel,
}: {
  scene: AdminScene | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { api } = useSession();
  const [code, setCode] = useState(scene?.code ?? '');
  const [category, setCategory] = useState<SceneKind>(scene?.category ?? 'scene');
  const [name, setName] = useState(scene?.name ?? '');
  const [promptFragment, setPrompt] = useState(scene?.promptFragment ?? '');
  const [sort, setSort] = useState(String(scene?.sort ?? 0));
  const [active, setActive] = useState(scene?.active ?? true);
  const { busy, error, submit } = useSubmit(async () => {
    const common = { name: name.trim(), promptFragment: promptFragment.trim(), sort: Number(sort) || 0, active };
    if (scene) await api.updateScene(scene.id, common);
    else await api.createScene({ ...common, code: code.trim(), category, thumbnailKey: null });
    onDone();
  });

  return (
    <form className="card stack" onSubmit={submit} data-testid="scene-form">
      <h2>{scene ? `编辑 ${scene.code}` : '新增场景或类别'}</h2>
      <div className="row wrap">
        <label className="field">
          <span>代码（小写字母、数字、- _）</span>
          <input
            name="code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            disabled={!!scene}
            required
            pattern="[a-z0-9][a-z0-9_\-]{0,63}"
          />
        </label>
        <label className="field">
          <span>种类</span>
          <select
            name="category"
            value={category}
            onChange={(e) => setCategory(e.target.value as SceneKind)}
            disabled={!!scene}
          >
            <option value="scene">场景</option>
            <option value="garment">服装类别</option>
          </select>
        </label>
        <label className="field">
          <span>名称</span>
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <label className="field narrow">
          <span>排序</span>
          <input name="sort" type="number" min={0} value={sort} onChange={(e) => setSort(e.target.value)} />
        </label>
      </div>
      <label className="field">
        <span>提示词片段</span>
        <textarea
          name="promptFragment"
          rows={3}
          value={promptFragment}
          onChange={(e) => setPrompt(e.target.value)}
          required
          maxLength={2000}
        />
      </label>
      <label className="row small">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> 启用
      </label>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          保存
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}
