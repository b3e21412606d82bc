import { useEffect, useState } from 'react';
import type { MyCredits } from '../api';
import { formatTime } from '../format';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';

/**
 * My credits lot by lot, each with its end: membership credits end with the membership, pack
 * and invite credits on their own date. Without an active membership nothing can be spent, so
 * the card says which credits are waiting for a renewal and until when.
 */
export function CreditsCard({ version }: { version: number }) {
  const { api } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const [credits, setCredits] = useState<MyCredits | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.myCredits().then(setCredits, (err: unknown) => setError(errorText(err)));
  }, [api, errorText, version]);

  const end = (lot: MyCredits['lots'][number]) =>
    lot.withMembership
      ? credits?.isMember && credits.membershipExpiresAt
        ? t('credits.withMembership', { date: formatTime(credits.membershipExpiresAt, lang) })
        : t('credits.untilRenewal')
      : t('credits.until', { date: formatTime(lot.expiresAt!, lang) });
  const waiting = credits && !credits.isMember ? credits.lots.filter((l) => !l.withMembership) : [];

  return (
    <section className="card" data-testid="credits-card">
      <h2>{t('credits.title')}</h2>
      {error && <p className="error">{error}</p>}
      {credits && !credits.lots.length && <p className="muted">{t('credits.none')}</p>}
      {waiting.length > 0 && (
        <p className="notice warn" data-testid="credits-waiting">
          {t('credits.waiting', { n: waiting.reduce((s, l) => s + l.remaining, 0) })}
        </p>
      )}
      <ul className="bill-list">
        {credits?.lots.map((lot) => (
          <li key={lot.id} className="bill-row" data-testid="credit-lot" data-source={lot.source}>
            <span className="bill-main">
              <strong>{t(`lot.${lot.source}`)}</strong>
              <span className="muted small">{end(lot)}</span>
            </span>
            <span className="bill-side">
              <strong data-testid="lot-remaining">{lot.remaining}</strong>
              <span className="muted small">/ {lot.amount}</span>
            </span>
          </li>
        ))}
      </ul>
      <p className="muted small">{t('credits.rule')}</p>
    </section>
  );
}
