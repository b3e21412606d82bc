import { useEffect, useMemo, useRef, useState } from 'react';
import type { TaskBatch } from '../api';
import { useCatalog } from '../lib/catalog';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';
import {
  inapplicableParams,
  initialParams,
  localized,
  offeredTypes,
  planForm,
  slotRoles,
  type SlotRole,
  type TaskTypeDef,
} from '../lib/task-form';
import { formatBytes, formatMegapixels, formatNames, useUploadLimits } from '../lib/upload-checks';
import { useUploads, type Refused } from '../lib/use-uploads';
import { membershipState } from './MembershipCard';
import { DropZone } from './DropZone';
import { ParamField } from './ParamField';
import { TypePicker } from './TypePicker';
import { UploadList } from './UploadList';

const TYPE_KEY = 'aiphoto.createType';
const paramsKey = (type: string) => `aiphoto.params.${type}`;

function remembered(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // kept for this page only
  }
}

function rememberedParams(type: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(remembered(paramsKey(type)) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/**
 * Choose what to make → add photos (one area per input the type takes) → its parameters → see
 * the cost → confirm → batch created. Everything comes from `GET /api/v1/task-types`: a type an
 * operator adds appears here without portal code (lib/task-form.ts has the rules).
 */
export function CreatePanel({ onCreated }: { onCreated: (batch: TaskBatch) => void }) {
  const { api, me, refreshMe } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const catalog = useCatalog();
  const types = useMemo(() => offeredTypes(catalog.types ?? []), [catalog.types]);
  const [typeKey, setTypeKey] = useState<string | null>(() => remembered(TYPE_KEY));
  const type: TaskTypeDef | undefined = types.find((x) => x.key === typeKey) ?? types[0];
  // One upload list per slot position (four: the server's limit), so the photos of the first
  // slot stay when the type changes; the others take one photo each.
  const slots = [
    useUploads(api, errorText),
    useUploads(api, errorText, 1),
    useUploads(api, errorText, 1),
    useUploads(api, errorText, 1),
  ] as const;
  const limits = useUploadLimits(api);
  const [params, setParams] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notices, setNotices] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per intended batch: a repeated click or a retry after a lost answer is not charged twice.
  const idempotencyKey = useRef<string | null>(null);

  // A new type (or the catalog arriving): its parameters start from the last choice or defaults.
  const slotNames = useRef<string[]>([]);
  useEffect(() => {
    if (!type) return;
    setParams(initialParams(type, catalog.scenes, rememberedParams(type.key)));
    setTouched(false);
    // Shared slots whose meaning changed are emptied; the batch slot keeps its photos.
    const names = type.inputs.map((s) => s.name);
    for (let i = 1; i < slots.length; i++) if (slotNames.current[i] !== names[i]) slots[i].clear();
    slotNames.current = names;
    // (`slots` is left out of the dependencies: its clear functions are stable; only the type matters.)
  }, [type, catalog.scenes]);

  const roles: SlotRole[] = type ? slotRoles(type) : [];
  const uploaded = roles.map((_, i) => slots[i].items.filter((it) => it.key).map((it) => it.key!));
  const plan = type ? planForm(type, uploaded, params, catalog.scenes) : null;
  const pending = roles.some((_, i) => slots[i].items.some((it) => !it.key && !it.error));
  const fellBack = slots.some((s) => s.fellBack);
  const member = membershipState(me) === 'active';
  const cost = plan?.cost ?? 0;
  const enough = cost <= me.quotaRemaining;
  const signature = JSON.stringify(plan?.body ?? null);
  useEffect(() => {
    idempotencyKey.current = null;
    setConfirming(false);
  }, [signature]);

  const choose = (key: string) => {
    setTypeKey(key);
    remember(TYPE_KEY, key);
  };

  const refusal = ({ name, problem }: Refused) =>
    t(`upload.${problem}`, {
      name,
      formats: formatNames(limits.formats),
      size: formatBytes(limits.maxBytes),
      mp: formatMegapixels(limits.maxPixels),
    });

  const pick = (index: number, role: SlotRole) => async (files: File[]) => {
    const r = await slots[index].add(files, limits, !role.batch);
    setNotices([
      ...(role.batch && r.tooMany ? [t('create.tooMany', { n: r.tooMany })] : []),
      ...r.rejected.map(refusal),
    ]);
  };

  const setParam = (name: string, value: string) => {
    setParams((p) => ({ ...p, [name]: value }));
    setTouched(true);
  };

  const create = async () => {
    if (!type || !plan?.body) return;
    setBusy(true);
    setError(null);
    idempotencyKey.current ??= crypto.randomUUID();
    try {
      const batch = await api.createTasks(plan.body, idempotencyKey.current);
      remember(paramsKey(type.key), JSON.stringify(plan.body.params));
      slots.forEach((s) => s.clear());
      onCreated(batch);
      await refreshMe();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  if (catalog.error)
    return (
      <section className="card" data-testid="create">
        <h2>{t('create.title')}</h2>
        <p className="error" role="alert">
          {catalog.error}{' '}
          <button type="button" className="link" onClick={catalog.reload}>
            {t('common.retry')}
          </button>
        </p>
      </section>
    );
  if (!catalog.types)
    return (
      <section className="card" data-testid="create">
        <h2>{t('create.title')}</h2>
        <p className="muted">{t('common.loading')}</p>
      </section>
    );
  if (!type)
    return (
      <section className="card" data-testid="create">
        <h2>{t('create.title')}</h2>
        <p className="muted">{t('create.noTypes')}</p>
      </section>
    );

  const label = (i: number) => localized(roles[i].slot.label, lang);
  const problems = plan?.problems ?? {};
  const hidden = inapplicableParams(type.params, params);
  return (
    <section className="card" data-testid="create" data-type={type.key}>
      <h2>{t('create.title')}</h2>
      <TypePicker types={types} selected={type.key} onSelect={choose} />
      {roles.length > 1 && (
        <p className="small muted" data-testid="batch-rule">
          {t('create.batchRule', {
            batch: label(0),
            shared: roles
              .slice(1)
              .map((_, i) => label(i + 1))
              .join(t('create.and')),
          })}
        </p>
      )}
      {roles.map((role, i) => (
        <div key={`${i}-${role.slot.name}`} className="slot" data-testid="slot" data-slot={role.slot.name}>
          {roles.length > 1 && (
            <h3 className="slot-title">
              {label(i)}{' '}
              <span className="small muted">{role.batch ? t('create.slotBatch') : t('create.slotShared')}</span>
            </h3>
          )}
          <DropZone onFiles={(files) => void pick(i, role)(files)} limits={limits} multiple={role.batch} />
          {slots[i].items.length > 0 && (
            <>
              <UploadList items={slots[i].items} onRemove={slots[i].remove} />
              {role.batch && slots[i].items.length > 1 && (
                <button type="button" className="link small" onClick={slots[i].clear}>
                  {t('create.clear')}
                </button>
              )}
            </>
          )}
        </div>
      ))}
      {notices.map((n) => (
        <p key={n} className="warn small" role="alert" data-testid="upload-refused">
          {n}
        </p>
      ))}
      {fellBack && (
        <p className="warn small" data-testid="upload-fallback">
          {t('create.directFallback')}
        </p>
      )}
      {type.params.length > 0 && (
        <div className="params">
          {type.params
            .filter((p) => !hidden.has(p.name))
            .map((p) => (
              <ParamField
                key={`${type.key}.${p.name}`}
                param={p}
                value={params[p.name] ?? ''}
                onChange={(v) => setParam(p.name, v)}
                problem={touched || uploaded[0]?.length ? problems[p.name] : undefined}
              />
            ))}
        </div>
      )}
      {uploaded[0]?.length > 0 &&
        plan?.missingSlots.map((name) => {
          const i = roles.findIndex((r) => r.slot.name === name);
          return (
            <p key={name} className="warn small" data-testid="missing-slot">
              {t('create.missingSlot', { name: label(i) })}
            </p>
          );
        })}
      {cost > 0 && plan && (
        <p className={enough ? 'cost' : 'cost error'} data-testid="cost">
          {enough
            ? t('create.cost', { tasks: plan.tasks, credits: type.credits, cost, left: me.quotaRemaining })
            : t('create.notEnough', { cost, left: me.quotaRemaining })}
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
            disabled={!plan?.body || pending || !member || !enough || busy}
            onClick={() => setConfirming(true)}
            data-testid="submit"
          >
            {t('create.submit')}
          </button>
        ) : (
          <>
            <button type="button" className="primary" disabled={busy} onClick={create} data-testid="confirm">
              {busy ? t('create.creating') : t('create.confirm', { cost, tasks: plan?.tasks ?? 0 })}
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
