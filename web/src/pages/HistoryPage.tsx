import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { Task, TaskStatus } from '../api';
import { TaskCard } from '../components/TaskCard';
import { useCatalog } from '../lib/catalog';
import { saveBlob } from '../lib/download';
import { useI18n } from '../lib/i18n';
import { dayStart, filtersToSearch, parseFilters, STATUSES, type HistoryFilters } from '../lib/history-filters';
import { navigate, useSearch } from '../lib/router';
import { localized } from '../lib/task-form';
import { useSignedIn } from '../lib/session-context';
import { useLiveTasks } from '../lib/use-live-tasks';

/** Most ids one bulk request may name (the API's limit, POST /api/v1/tasks/download and /hide). */
const MAX_BULK = 100;

/**
 * Own tasks newest first, paged with the server's cursor: filtered by favourites, type, state,
 * a range of days and the upload's file name — all kept in the URL, so a reload, a shared link
 * and back/forward show the same list. Cards can be selected for one ZIP or one delete.
 */
export function HistoryPage() {
  const { api } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const { types } = useCatalog();
  const search = useSearch();
  const filters = useMemo(() => parseFilters(search), [search]);
  const [items, setItems] = useState<Task[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [bulkError, setBulkError] = useState<string | null>(null);
  const [q, setQ] = useState(filters.q);
  const seq = useRef(0);

  // The search box follows the URL (back/forward), and is free to edit until submitted.
  useEffect(() => setQ(filters.q), [filters.q]);

  const setFilters = (patch: Partial<HistoryFilters>) => navigate(`/tasks${filtersToSearch({ ...filters, ...patch })}`);
  const filtered =
    filters.favorites || !!filters.type || !!filters.status || !!filters.from || !!filters.to || !!filters.q;

  const load = useCallback(
    async (from: string | null) => {
      const mine = ++seq.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api.tasks({
          cursor: from ?? undefined,
          limit: 12,
          type: filters.type || undefined,
          status: filters.status || undefined,
          favorite: filters.favorites ? 'true' : undefined,
          from: filters.from ? dayStart(filters.from) : undefined,
          to: filters.to ? dayStart(filters.to, 1) : undefined,
          q: filters.q || undefined,
        });
        if (mine !== seq.current) return;
        setItems((list) => (from ? [...list, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (err) {
        if (mine === seq.current) setError(errorText(err));
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [api, filters, errorText],
  );
  useEffect(() => {
    setSelected(new Set());
    setConfirming(false);
    void load(null);
  }, [load]);
  const tasks = useLiveTasks(items);

  const toggle = (id: string, on: boolean) =>
    setSelected((set) => {
      const next = new Set(set);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allChecked = tasks.length > 0 && tasks.every((task) => selected.has(task.id));
  const ids = [...selected];

  const bulk = async (action: () => Promise<void>) => {
    setBusy(true);
    setBulkError(null);
    setNotice(null);
    try {
      await action();
    } catch (err) {
      setBulkError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const zip = () =>
    bulk(async () => {
      if (ids.length > MAX_BULK) {
        setBulkError(t('history.zipTooMany', { max: MAX_BULK }));
        return;
      }
      if (!tasks.some((task) => selected.has(task.id) && task.status === 'done')) {
        setBulkError(t('history.zipNone'));
        return;
      }
      const { blob, fileName } = await api.tasksZip(ids);
      saveBlob(blob, fileName);
    });
  const remove = () =>
    bulk(async () => {
      // The API takes up to MAX_BULK ids a request; a longer selection goes in parts.
      let hidden = 0;
      for (let i = 0; i < ids.length; i += MAX_BULK) hidden += (await api.hideMany(ids.slice(i, i + MAX_BULK))).hidden;
      setItems((list) => list.filter((task) => !selected.has(task.id)));
      setSelected(new Set());
      setConfirming(false);
      setNotice(t('history.deleted', { n: hidden }));
    });

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ q });
  };

  return (
    <section className="stack" data-testid="history">
      <div className="row spread wrap">
        <h1>{t('history.title')}</h1>
        <div className="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={!filters.favorites}
            data-testid="tab-all"
            onClick={() => setFilters({ favorites: false })}
          >
            {t('history.tabAll')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={filters.favorites}
            data-testid="tab-favorites"
            onClick={() => setFilters({ favorites: true })}
          >
            ★ {t('history.tabFavorites')}
          </button>
        </div>
      </div>
      <div className="history-filters" data-testid="history-filters">
        <select
          aria-label={t('create.type')}
          value={filters.type}
          onChange={(e) => setFilters({ type: e.target.value })}
        >
          <option value="">{t('history.allTypes')}</option>
          {(types ?? []).map((d) => (
            <option key={d.key} value={d.key}>
              {localized(d.name, lang)}
            </option>
          ))}
        </select>
        <select
          aria-label="status"
          value={filters.status}
          onChange={(e) => setFilters({ status: e.target.value as TaskStatus | '' })}
        >
          <option value="">{t('history.allStatus')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`task.${s}`)}
            </option>
          ))}
        </select>
        <DateBound
          name="from"
          label={t('history.from')}
          value={filters.from}
          max={filters.to}
          onChange={(from) => setFilters({ from })}
        />
        <DateBound
          name="to"
          label={t('history.to')}
          value={filters.to}
          min={filters.from}
          onChange={(to) => setFilters({ to })}
        />
        <form role="search" onSubmit={onSearch}>
          <input
            type="search"
            name="q"
            maxLength={100}
            value={q}
            placeholder={t('history.search')}
            aria-label={t('history.search')}
            onChange={(e) => setQ(e.target.value)}
          />
          <button type="submit" className="secondary" data-testid="search">
            {t('history.searchGo')}
          </button>
        </form>
        {filtered && (
          <button type="button" className="link" data-testid="clear-filters" onClick={() => navigate('/tasks')}>
            {t('history.clear')}
          </button>
        )}
      </div>
      {tasks.length > 0 && (
        <div className="bulk-bar" data-testid="bulk-bar">
          <label className="row small">
            <input
              type="checkbox"
              data-testid="select-all"
              checked={allChecked}
              onChange={(e) => setSelected(e.target.checked ? new Set(tasks.map((task) => task.id)) : new Set())}
            />
            {t('history.selectAll')}
          </label>
          {selected.size > 0 && (
            <>
              <strong className="small" data-testid="selected-count">
                {t('history.selected', { n: selected.size })}
              </strong>
              <button type="button" className="secondary" disabled={busy} onClick={zip} data-testid="bulk-zip">
                {t('history.zip')}
              </button>
              <button
                type="button"
                className="danger secondary"
                disabled={busy}
                onClick={() => setConfirming(true)}
                data-testid="bulk-delete"
              >
                {t('history.delete')}
              </button>
              <button type="button" className="link" onClick={() => setSelected(new Set())}>
                {t('history.cancelSelect')}
              </button>
            </>
          )}
          {confirming && selected.size > 0 && (
            <div className="confirm" role="alertdialog" aria-label={t('history.delete')}>
              <span data-testid="delete-question">{t('history.deleteConfirm', { n: selected.size })}</span>
              <button
                type="button"
                className="danger primary"
                disabled={busy}
                onClick={remove}
                data-testid="bulk-delete-confirm"
              >
                {t('history.deleteYes', { n: selected.size })}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </button>
            </div>
          )}
        </div>
      )}
      {notice && (
        <p className="ok small" role="status" data-testid="bulk-notice">
          {notice}
        </p>
      )}
      {bulkError && (
        <p className="error" role="alert">
          {bulkError}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}{' '}
          <button type="button" className="link" onClick={() => load(null)}>
            {t('common.retry')}
          </button>
        </p>
      )}
      {!loading && !error && tasks.length === 0 && (
        <p className="muted" data-testid="history-empty">
          {filtered ? t('history.noMatch') : t('history.empty')}
        </p>
      )}
      <div className="task-grid">
        {tasks.map((task) => (
          <TaskCard
            key={task.id}
            task={task}
            select={{ checked: selected.has(task.id), onChange: (on) => toggle(task.id, on) }}
          />
        ))}
      </div>
      {loading && <p className="muted">{t('common.loading')}</p>}
      {!loading && cursor && (
        <button type="button" className="secondary" onClick={() => load(cursor)}>
          {t('history.more')}
        </button>
      )}
      {!loading && !cursor && tasks.length > 0 && <p className="muted small center">{t('history.end')}</p>}
    </section>
  );
}

/** One end of the date filter (`YYYY-MM-DD`, '' for none); `min`/`max` keep the range the right way round. */
function DateBound({
  name,
  label,
  value,
  min,
  max,
  onChange,
}: {
  name: string;
  label: string;
  value: string;
  min?: string;
  max?: string;
  onChange: (value: string) => void;
}) {
  return (
    <label className="row small">
      {label}
      <input
        type="date"
        name={name}
        value={value}
        min={min || undefined}
        max={max || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
