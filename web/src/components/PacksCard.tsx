import { useEffect, useState } from 'react';
import type { CreditPack } from '../api';
import { formatFen } from '../format';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';
import { Checkout } from './Checkout';

/** Credit packs: one-time top-ups for members, paid like the membership; their credits last `validDays`. */
export function PacksCard({ onPaid }: { onPaid(): Promise<unknown> }) {
  const { api, me, refreshMe } = useSignedIn();
  const { t, errorText } = useI18n();
  const [offer, setOffer] = useState<{ packs: CreditPack[]; validDays: number } | null>(null);
  const [buying, setBuying] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.packs().then(setOffer, (err: unknown) => setError(errorText(err)));
  }, [api, errorText]);

  if (!offer?.packs.length) return error ? <p className="error">{error}</p> : null;
  return (
    <section className="card" data-testid="packs">
      <h2>{t('packs.title')}</h2>
      <p className="muted small">{me.isMember ? t('packs.hint', { days: offer.validDays }) : t('packs.members')}</p>
      <ul className="bill-list">
        {offer.packs.map((p) => (
          <li key={p.id} className="bill-row" data-testid="pack" data-pack-id={p.id}>
            <span className="bill-main">
              <strong>{p.name}</strong>
              <span className="muted small">{t('common.credits', { n: p.credits })}</span>
            </span>
            <span className="bill-side">
              <strong>{formatFen(p.priceFen)}</strong>
              <button
                type="button"
                className="secondary"
                disabled={!me.isMember || buying !== null}
                onClick={() => setBuying(p.id)}
                data-testid="buy-pack"
              >
                {t('packs.buy')}
              </button>
            </span>
            {buying === p.id && (
              <Checkout
                purchase={(channel, scene) => api.buyPack(p.id, { channel, scene: scene ?? undefined })}
                onPaid={async () => {
                  await refreshMe();
                  await onPaid();
                }}
                onDone={() => setBuying(null)}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
