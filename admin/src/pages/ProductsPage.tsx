import { useState } from 'react';
import type { AdminTaskType } from '../api';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { ProductForm } from './ProductForm';
import { TestRunPanel } from './TestRunPanel';
import { DataTable, EnabledBadge, RowActions } from '../components/DataTable';

/**
 * 产品 / Products (admins only): the task types merchants can create, as data. List in the
 * portal's order with their state; add, edit, enable/disable (asks first), move up or down, and
 * open a type's test runs. Prompt templates are shown only here.
 */
export function ProductsPage() {
  const { api } = useSession();
  const { t, lang, errorText } = useI18n();
  const { data, error, reload } = useLoad(() => api.productList(), [api]);
  const [editing, setEditing] = useState<AdminTaskType | 'new' | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const items = data?.items ?? [];
  const nextSort = Math.max(0, ...items.map((p) => p.sort)) + 10;

  const act = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      await reload();
    } catch (err) {
      setActionError(errorText(err));
    }
  };
  const toggle = (p: AdminTaskType) => {
    if (p.enabled && !window.confirm(t('products.confirmDisable', { name: p.name[lang] }))) return;
    void act(() => api.updateProduct(p.key, { enabled: !p.enabled }));
  };
  // Swaps a product with its neighbour; every product then gets 10, 20, 30… so ties cannot stick.
  const move = (index: number, by: -1 | 1) => {
    const order = [...items];
    const [moved] = order.splice(index, 1);
    order.splice(index + by, 0, moved);
    void act(async () => {
      for (const [i, p] of order.entries())
        if (p.sort !== (i + 1) * 10) await api.updateProduct(p.key, { sort: (i + 1) * 10 });
    });
  };
  const tested = items.find((p) => p.key === testing) ?? null;

  return (
    <div className="stack" data-testid="products">
      <div className="row spread wrap">
        <h1>{t('products.title')}</h1>
        <button type="button" className="primary" data-testid="add-product" onClick={() => setEditing('new')}>
          {t('products.add')}
        </button>
      </div>
      <p className="muted small">{t('products.help')}</p>
      {(error || actionError) && (
        <p className="error" role="alert">
          {error ?? actionError}
        </p>
      )}
      {editing && (
        <ProductForm
          key={editing === 'new' ? 'new' : editing.key}
          product={editing === 'new' ? null : editing}
          nextSort={nextSort}
          onDone={async () => {
            setEditing(null);
            await reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {tested && <TestRunPanel key={tested.key} product={tested} onClose={() => setTesting(null)} />}
      <section className="card">
        <DataTable
          headers={[
            t('products.sort'),
            t('products.key'),
            t('products.name'),
            t('products.credits'),
            t('products.outputs'),
            t('products.webhook'),
            t('products.state'),
          ]}
          actions
        >
          {items.map((p, i) => (
            <tr key={p.key} data-testid="product-row" data-key={p.key} data-enabled={String(p.enabled)}>
              <td>{p.sort}</td>
              <td className="mono">{p.key}</td>
              <td>{p.name[lang]}</td>
              <td>{p.credits}</td>
              <td>{p.outputs}</td>
              <td className="mono small">{p.webhookPath}</td>
              <td>
                <EnabledBadge enabled={p.enabled} />
              </td>
              <RowActions>
                <button type="button" className="link" onClick={() => setEditing(p)}>
                  {t('common.edit')}
                </button>
                <button type="button" className="link" data-testid="toggle" onClick={() => toggle(p)}>
                  {p.enabled ? t('common.disable') : t('common.enable')}
                </button>
                <button type="button" className="link" data-testid="test" onClick={() => setTesting(p.key)}>
                  {t('products.testRun')}
                </button>
                <button
                  type="button"
                  className="link"
                  data-testid="move-up"
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                >
                  {t('products.up')}
                </button>
                <button
                  type="button"
                  className="link"
                  data-testid="move-down"
                  disabled={i === items.length - 1}
                  onClick={() => move(i, 1)}
                >
                  {t('products.down')}
                </button>
              </RowActions>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
}
