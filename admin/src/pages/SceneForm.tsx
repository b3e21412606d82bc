import { useState } from 'react';
import type { AdminScene, SceneKind } from '../api';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useSubmit } from '../lib/use-submit';
import { FormActions } from '../components/FormActions';

/**
 * Create (all fields) or edit (code and kind are fixed: tasks store the code). A new entry's
 * order starts after the last one of its kind, so it is listed last unless changed.
 */
export function SceneForm({
  scene,
  nextSort,
  onDone,
  onCancel,
}: {
  scene: AdminScene | null;
  nextSort: (kind: SceneKind) => number;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { api } = useSession();
  const { t } = useI18n();
  const [code, setCode] = useState(scene?.code ?? '');
  const [category, setCategory] = useState<SceneKind>(scene?.category ?? 'scene');
  const [name, setName] = useState(scene?.name ?? '');
  const [nameEn, setNameEn] = useState(scene?.nameEn ?? '');
  const [promptFragment, setPrompt] = useState(scene?.promptFragment ?? '');
  const [sort, setSort] = useState(String(scene?.sort ?? nextSort('scene')));
  const [sortTouched, setSortTouched] = useState(false);
  const [active, setActive] = useState(scene?.active ?? true);
  const { busy, error, submit } = useSubmit(async () => {
    const common = {
      name: name.trim(),
      nameEn: nameEn.trim() || null, // empty: the portal's English pages show the Chinese name
      promptFragment: promptFragment.trim(),
      sort: Number(sort) || 0,
      active,
    };
    if (scene) await api.updateScene(scene.id, common);
    else await api.createScene({ ...common, code: code.trim(), category, thumbnailKey: null });
    onDone();
  });

  return (
    <form className="card stack" onSubmit={submit} data-testid="scene-form">
      <h2>{scene ? t('scene.editTitle', { code: scene.code }) : t('scene.newTitle')}</h2>
      <div className="row wrap">
        <label className="field">
          <span>{t('scene.codeLabel')}</span>
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
          <span>{t('scene.kind')}</span>
          <select
            name="category"
            value={category}
            onChange={(e) => {
              const kind = e.target.value as SceneKind;
              setCategory(kind);
              if (!sortTouched) setSort(String(nextSort(kind)));
            }}
            disabled={!!scene}
          >
            <option value="scene">{t('scenes.kind.scene')}</option>
            <option value="garment">{t('scenes.kind.garment')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('scenes.name')}</span>
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <label className="field">
          <span>{t('scenes.nameEn')}</span>
          <input name="nameEn" value={nameEn} onChange={(e) => setNameEn(e.target.value)} maxLength={128} />
        </label>
        <label className="field narrow">
          <span>{t('scenes.sort')}</span>
          <input
            name="sort"
            type="number"
            min={0}
            value={sort}
            title={t('scene.sortHint')}
            onChange={(e) => {
              setSort(e.target.value);
              setSortTouched(true);
            }}
          />
        </label>
      </div>
      <p className="muted small">{t('scene.sortHint')}</p>
      <label className="field">
        <span>{t('scenes.prompt')}</span>
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
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> {t('common.enabled')}
      </label>
      <FormActions error={error} busy={busy} onCancel={onCancel} />
    </form>
  );
}
