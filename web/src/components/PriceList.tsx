import { useEffect, useState } from 'react';
import type { Plan, PublicTaskType } from '../api';
import { formatFen } from '../format';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session-context';

/**
 * The public price list shown before signing in: the membership (price, credits, days) and what
 * each product costs per photo, in the current language, straight from the server (so a price
 * changed in the console or a product added as data shows here without a release).
 */
export function PriceList() {
  const { api } = useSession();
  const { t, lang } = useI18n();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [types, setTypes] = useState<PublicTaskType[]>([]);

  useEffect(() => {
    let live = true;
    // The list is a courtesy: when it cannot be read, signing in still works.
    api.plans().then(
      (r) => live && setPlan(r.plans[0] ?? null),
      () => undefined,
    );
    api.taskTypes().then(
      (r) => live && setTypes(r.items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (!plan && types.length === 0) return null;
  return (
    <section className="card login-card price-list" data-testid="price-list" aria-labelledby="price-list-title">
      <h2 id="price-list-title">{t('pricing.title')}</h2>
      {plan && (
        <p data-testid="price-plan">
          <strong>
            {t('pricing.plan', { price: formatFen(plan.priceFen), credits: plan.credits, days: plan.days })}
          </strong>
        </p>
      )}
      <ul className="price-types">
        {types.map((type) => (
          <li key={type.key} data-testid="price-type" data-type={type.key}>
            <span className="price-type-name">{type.name[lang]}</span>
            <span className="muted small">
              {t('pricing.perImage', { credits: type.credits })} · {t('pricing.outputs', { n: type.outputs })}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted small">{t('pricing.refund')}</p>
    </section>
  );
}
