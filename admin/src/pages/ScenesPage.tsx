import { useState } from 'react';
import type { AdminScene, SceneKind } from '../api';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { SceneForm } from './SceneForm';
import { DataTable, EnabledBadge, RowActions } from '../components/DataTable';

/** Scenes and garment categories with their prompt fragments (the only place they are shown). */
export function ScenesPage() {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const { data, error, reload } = useLoad(() => api.scenes(), [api]);
  const [editing, setEditing] = useState<AdminScene | 'new' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  // A new entry goes after the last one of its kind (lists are ordered by `sort`, then code).
  const nextSort = (kind: SceneKind) =>
    Math.max(0, ...(data?.items ?? []).filter((s) => s.category === kind).map((s) => s.sort)) + 10;

  const toggle = async (s: AdminScene) => {
    try {
      await api.updateScene(s.id, { active: !s.active });
      await reload();
    } catch (err) {
      setActionError(errorText(err));
    }
  };
  const remove = async (s: AdminScene) => {
    if (!window.confirm(t('scenes.confirmDelete', { name: s.name, code: s.code }))) return;
    try {
      await api.deleteScene(s.id);
      await reload();
    } catch (err) {
      setActionError(errorText(err));
    }
  };

  return (
    <div className="stack" data-testid="scenes">
      <div className="row spread wrap">
        <h1>{t('scenes.title')}</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          {t('scenes.add')}
        </button>
      </div>
      <p className="muted small">{t('scenes.help')}</p>
      {(error || actionError) && <p className="error">{error ?? actionError}</p>}
      {editing && (
        <SceneForm
          scene={editing === 'new' ? null : editing}
          nextSort={nextSort}
          onDone={async () => {
            setEditing(null);
            await reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {(['scene', 'garment'] as const).map((kind) => (
        <section key={kind} className="card">
          <h2>{t(kind === 'scene' ? 'scenes.kind.scene' : 'scenes.kind.garment')}</h2>
          <DataTable
            headers={[t('scenes.sort'), t('scenes.code'), t('scenes.name'), t('scenes.prompt'), t('scenes.state')]}
            actions
          >
            {data?.items
              .filter((s) => s.category === kind)
              .map((s) => (
                <tr key={s.id} data-testid="scene-row" data-code={s.code}>
                  <td>{s.sort}</td>
                  <td className="mono">{s.code}</td>
                  <td>{s.name}</td>
                  <td className="prompt small">{s.promptFragment}</td>
                  <td>
                    <EnabledBadge enabled={s.active} />
                  </td>
                  <RowActions>
                    <button type="button" className="link" onClick={() => setEditing(s)}>
                      {t('common.edit')}
                    </button>
                    <button type="button" className="link" onClick={() => toggle(s)}>
                      {s.active ? t('common.disable') : t('common.enable')}
                    </button>
                    <button type="button" className="link danger" onClick={() => remove(s)}>
                      {t('common.delete')}
                    </button>
                  </RowActions>
                </tr>
              ))}
          </DataTable>
        </section>
      ))}
    </div>
  );
}
