import { useEffect, useMemo, useRef, useState } from 'react';
import { TASK_TYPES, type SceneCatalog, type TaskBatch, type TaskType } from '../api';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';
import { useUploads } from '../lib/use-uploads';
import { membershipState } from './MembershipCard';
import { DropZone } from './DropZone';
import { UploadList } from './UploadList';

/** Pick images → choose the kind (and scene/category) → see the cost → confirm → batch created. */
export function CreatePanel({ onCreated }: { onCreated: (batch: TaskBatch) => void }) {
  const { api, me, refreshMe } = useSignedIn();
  const { t, errorText } = useI18n();
  const uploads = useUploads(api, errorText);
  const [type, setType] = useState<TaskType>('basic_clean');
  const [catalog, setCatalog] = useState<SceneCatalog | null>(null);
  const [scene, setScene] = useState('');
  const [category, setCategory] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notices, setNotices] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  // One key per intended batch: a repeated click or a retry after a lost answer is not charged twice.
  const idempotencyKey = useRef<string | null>(null);

  useEffect(() => {
    api.scenes().then(
      (c) => {
        setCatalog(c);
        setScene((s) => s || c.scenes[0]?.code || '');
        setCategory((s) => s || c.categories[0]?.code || '');
      },
      (err: unknown) => setError(errorText(err)),
    );
  }, [api, errorText]);

  const ready = uploads.items.filter((it) => it.key);
  const pending = uploads.items.some((it) => !it.key && !it.error);
  const cost = ready.length;
  const member = membershipState(me) === 'active';
  const enough = cost <= me.quotaRemaining;
  const params = useMemo(() => (type === 'model_pose12' ? { scene, category } : {}), [type, scene, category]);
  const signature = `${type}|${scene}|${category}|${ready.map((it) => it.key).join(',')}`;
  useEffect(() => {
    idempotencyKey.current = null;
    setConfirming(false);
  }, [signature]);

  const pick = (files: File[]) => {
    const r = uploads.add(files);
    setNotices([
      ...(r.tooMany ? [t('create.tooMany', { n: r.tooMany })] : []),
      ...r.rejected.map((name) => t('create.notImage', { name })),
    ]);
  };

  const create = async () => {
    setBusy(true);
    setError(null);
    idempotencyKey.current ??= crypto.randomUUID();
    try {
      const batch = await api.createTasks(
        { type, inputKeys: ready.map((it) => it.key!), params },
        idempotencyKey.current,
      );
      uploads.clear();
      onCreated(batch);
      await refreshMe();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <section className="card" data-testid="create">
      <h2>{t('create.title')}</h2>
      <DropZone onFiles={pick} />
      {notices.map((n) => (
        <p key={n} className="warn small">
          {n}
        </p>
      ))}
      {uploads.fellBack && (
        <p className="warn small" data-testid="upload-fallback">
          {t('create.directFallback')}
        </p>
      )}
      {uploads.items.length > 0 && (
        <>
          <UploadList items={uploads.items} onRemove={uploads.remove} />
          <button type="button" className="link small" onClick={uploads.clear}>
            {t('create.clear')}
          </button>
        </>
      )}
      <fieldset className="choices">
        <legend>{t('create.type')}</legend>
        {TASK_TYPES.map((k) => (
          <label key={k} className={type === k ? 'choice selected' : 'choice'}>
            <input type="radio" name="type" value={k} checked={type === k} onChange={() => setType(k)} />
            <strong>{t(`create.${k}`)}</strong>
            <span className="muted small">{t(`create.${k}Hint`)}</span>
          </label>
        ))}
      </fieldset>
      {type === 'model_pose12' && catalog && (
        <div className="row wrap">
          <label className="field">
            <span>{t('create.scene')}</span>
            <select name="scene" value={scene} onChange={(e) => setScene(e.target.value)}>
              {catalog.scenes.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('create.category')}</span>
            <select name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
              {catalog.categories.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {cost > 0 && (
        <p className={enough ? 'cost' : 'cost error'} data-testid="cost">
          {enough
            ? t('create.cost', { n: cost, left: me.quotaRemaining })
            : t('create.notEnough', { n: cost, left: me.quotaRemaining })}
        </p>
      )}
      {!member && <p className="warn small">{t('create.needMember')}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row wrap">
        {!confirming ? (
          <button
            type="button"
            className="primary"
            disabled={!cost || pending || !member || !enough || busy}
            onClick={() => setConfirming(true)}
            data-testid="submit"
          >
            {t('create.submit')}
          </button>
        ) : (
          <>
            <button type="button" className="primary" disabled={busy} onClick={create} data-testid="confirm">
              {busy ? t('create.creating') : t('create.confirm', { n: cost })}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </>
        )}
      </div>
    </section>
  );
}
