import { useState } from 'react';
import type { CreditPack } from '../api';
import { yuan } from '../format';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { useSubmit } from '../lib/use-submit';

type Draft = { name: string; credits: string; price: string; active: boolean; sort: string };
const empty: Draft = { name: '', credits: '', price: '', active: true, sort: '0' };
const draftOf = (p: CreditPack): Draft => ({
  name: p.name,
  credits: String(p.credits),
  price: (p.priceFen / 100).toFixed(2),
  active: p.active,
  sort: String(p.sort),
});

/** Credit packs on sale (name, credits, price in yuan, on sale or not, order). Never deleted: orders name them. */
export function CreditPacksSettings() {
  const { api } = useSession();
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => api.creditPacks(), [api]);
  return (
    <section className="card stack" data-testid="credit-packs">
      <h2>{t('packs.title')}</h2>
      <p className="muted small">{t('packs.help')}</p>
      {error && <p className="error">{error}</p>}
      {data?.items.map((p) => (
        <PackForm key={`${p.id}:${p.name}:${p.priceFen}:${String(p.active)}`} pack={p} onSaved={reload} />
      ))}
      <PackForm onSaved={reload} />
    </section>
  );
}

function PackForm({ pack, onSaved }: { pack?: CreditPack; onSaved: () => Promise<void> }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(pack ? draftOf(pack) : empty);
  const set = (k: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setD({ ...d, [k]: k === 'active' ? e.target.checked : e.target.value });
  const { busy, error, submit } = useSubmit(async () => {
    const body = {
      name: d.name.trim(),
      credits: Number(d.credits),
      priceFen: Math.round(Number(d.price) * 100),
      active: d.active,
      sort: Number(d.sort) || 0,
    };
    if (!body.name || !(body.credits > 0) || !(body.priceFen > 0)) throw new Error(t('packs.invalid'));
    if (pack) await api.updateCreditPack(pack.id, body);
    else await api.createCreditPack(body);
    if (!pack) setD(empty);
    await onSaved();
  });
  return (
    <form className="row wrap setting" onSubmit={submit} data-testid="pack-form" data-pack-id={pack?.id ?? 'new'}>
      <input
        name="name"
        placeholder={t('packs.name')}
        value={d.name}
        onChange={set('name')}
        maxLength={64}
        aria-label={t('packs.name')}
      />
      <label className="row small">
        <input
          name="credits"
          type="number"
          min="1"
          value={d.credits}
          onChange={set('credits')}
          aria-label={t('packs.credits')}
          placeholder={t('packs.credits')}
        />
        {t('unit.credits')}
      </label>
      <label className="row small">
        <input
          name="price"
          type="number"
          min="0.01"
          step="0.01"
          value={d.price}
          onChange={set('price')}
          aria-label={`${t('packs.price')} (${t('unit.yuan')})`}
          placeholder={t('packs.price')}
        />
        {t('unit.yuan')}
      </label>
      <label className="row small">
        <input name="active" type="checkbox" checked={d.active} onChange={set('active')} />
        {t('packs.onSale')}
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {pack ? t('common.save') : t('common.add')}
      </button>
      {pack && <span className="muted small">{yuan(pack.priceFen)}</span>}
      {error && <p className="error small">{error}</p>}
    </form>
  );
}
