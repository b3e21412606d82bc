import { useEffect, useState } from 'react';
import type { AdminTaskType, TestRun } from '../api';
import { label, useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { DataTable, RowActions } from '../components/DataTable';

const FINISHED = ['done', 'failed', 'canceled'];

/**
 * A product's test runs: upload a sample per input (or reuse an earlier run's), set the
 * parameters, send it through the workflow and watch the outcome (status, result images, the
 * error code and what the workflow reported). Test runs charge no one (docs/architecture.md §5).
 */
export function TestRunPanel({ product, onClose }: { product: AdminTaskType; onClose: () => void }) {
  const { api } = useSession();
  const { t, lang, errorText, dateTime } = useI18n();
  const recent = useLoad(() => api.testRuns(product.key), [api, product.key]);
  const reloadRecent = recent.reload;
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [params, setParams] = useState<Record<string, string>>(() =>
    Object.fromEntries(product.params.map((p) => [p.name, p.default ?? p.options?.[0]?.value ?? ''])),
  );
  const [run, setRun] = useState<TestRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hasTaskSlot = product.inputs.some((s) => s.kind === 'task');

  // Follows the shown run until it ends (the outcome arrives with the workflow's callback).
  useEffect(() => {
    if (!run || FINISHED.includes(run.status)) return;
    const timer = window.setTimeout(() => {
      api.testRun(product.key, run.id).then(
        (next) => {
          setRun(next);
          if (FINISHED.includes(next.status)) void reloadRecent();
        },
        (err) => setError(errorText(err)),
      );
    }, 1000);
    return () => window.clearTimeout(timer);
  }, [api, product.key, run, errorText, reloadRecent]);

  const upload = async (slot: string, file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const stored = await api.testUpload(file, file.name);
      setSamples((s) => ({ ...s, [slot]: stored.key }));
    } catch (err) {
      setError(errorText(err));
    }
  };

  const start = async (inputs: Record<string, string>) => {
    setError(null);
    if (product.inputs.some((s) => !inputs[s.name])) return setError(t('testRun.needSamples'));
    setBusy(true);
    try {
      const chosen = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ''));
      setRun(await api.startTestRun(product.key, { inputs, params: chosen }));
      void recent.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" data-testid="test-run">
      <div className="row spread">
        <h2>{t('testRun.title', { name: product.name[lang] })}</h2>
        <button type="button" className="link" onClick={onClose}>
          {t('testRun.close')}
        </button>
      </div>
      <p className="muted small">{t('testRun.help')}</p>
      {hasTaskSlot ? (
        <p className="warn">{t('testRun.taskSlot')}</p>
      ) : (
        <>
          <div className="row wrap">
            {product.inputs.map((slot) => (
              <label className="field" key={slot.name}>
                <span>{t('testRun.sample', { slot: slot.label[lang] })}</span>
                <input
                  type="file"
                  accept="image/jpeg,image/png,image/webp"
                  data-testid={`sample-${slot.name}`}
                  onChange={(e) => void upload(slot.name, e.target.files?.[0])}
                />
                {samples[slot.name] && (
                  <span className="ok small" data-testid="sample-ready">
                    {t('testRun.ready')}
                  </span>
                )}
              </label>
            ))}
            {product.params.map((p) => (
              <label className="field" key={p.name}>
                <span>{p.label[lang]}</span>
                {p.kind === 'choice' ? (
                  <select
                    name={`param-${p.name}`}
                    value={params[p.name] ?? ''}
                    onChange={(e) => setParams((all) => ({ ...all, [p.name]: e.target.value }))}
                  >
                    {p.options?.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label[lang]}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    name={`param-${p.name}`}
                    value={params[p.name] ?? ''}
                    onChange={(e) => setParams((all) => ({ ...all, [p.name]: e.target.value }))}
                  />
                )}
              </label>
            ))}
          </div>
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={busy}
              data-testid="start-test-run"
              onClick={() => void start(samples)}
            >
              {t('testRun.start')}
            </button>
          </div>
        </>
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      {run && <Outcome run={run} />}
      <h3>{t('testRun.recent')}</h3>
      {recent.error && <p className="error small">{recent.error}</p>}
      {recent.data && recent.data.items.length === 0 && <p className="muted small">{t('testRun.none')}</p>}
      {recent.data && recent.data.items.length > 0 && (
        <DataTable headers={[t('testRun.time'), t('products.state'), t('testRun.errorCode')]} actions>
          {recent.data.items.map((r) => (
            <tr key={r.id} data-testid="test-run-row" data-status={r.status}>
              <td className="nowrap">{dateTime(r.createdAt)}</td>
              <td>
                <span className={`badge ${r.status}`}>{label(t, 'task.status', r.status)}</span>
              </td>
              <td className="mono">{r.errorCode ?? '—'}</td>
              <RowActions>
                <button type="button" className="link" onClick={() => setRun(r)}>
                  {t('testRun.show')}
                </button>
                {!hasTaskSlot && (
                  <button
                    type="button"
                    className="link"
                    disabled={busy}
                    data-testid="run-again"
                    onClick={() => void start(inputsOf(r))}
                  >
                    {t('testRun.again')}
                  </button>
                )}
              </RowActions>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

/** The sample keys of an earlier run, one per slot. */
function inputsOf(run: TestRun): Record<string, string> {
  return Object.fromEntries(Object.entries(run.inputKeys).map(([slot, keys]) => [slot, keys[0]]));
}

function Outcome({ run }: { run: TestRun }) {
  const { t } = useI18n();
  return (
    <div className="stack tight" data-testid="test-run-outcome" data-status={run.status}>
      <h3>{t('testRun.outcome')}</h3>
      <p>
        <span className={`badge ${run.status}`} data-testid="test-run-status">
          {label(t, 'task.status', run.status)}
        </span>{' '}
        {!FINISHED.includes(run.status) && <meter min={0} max={100} value={run.progress} />}
      </p>
      {run.errorCode && (
        <dl className="facts">
          <dt>{t('testRun.errorCode')}</dt>
          <dd>
            <span className="mono" data-testid="test-run-error-code">
              {run.errorCode}
            </span>{' '}
            {label(t, 'task.error', run.errorCode)}
          </dd>
          {run.errorDetail && (
            <>
              <dt>{t('testRun.detail')}</dt>
              <dd className="error-detail small">{run.errorDetail}</dd>
            </>
          )}
        </dl>
      )}
      {run.resultUrls.length > 0 && (
        <>
          <p className="small">{t('testRun.results', { n: run.resultUrls.length })}</p>
          <div className="results">
            {run.resultUrls.map((url, i) => (
              <a key={url} href={url} target="_blank" rel="noreferrer">
                <img src={url} alt={`${i + 1}`} data-testid="test-run-result" />
              </a>
            ))}
          </div>
        </>
      )}
      {run.n8nExecutionUrl && (
        <a href={run.n8nExecutionUrl} target="_blank" rel="noreferrer" className="small">
          {t('testRun.execution')}
        </a>
      )}
    </div>
  );
}
