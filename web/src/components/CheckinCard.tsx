import { useEffect, useState } from 'react';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';

type Status = { checkedIn: boolean; credits: number };

/** Daily check-in: members get a few credits once a day (the day as in Beijing). */
export function CheckinCard({ onGranted }: { onGranted(): void }) {
  const { api, me } = useSignedIn();
  const { t, errorText } = useI18n();
  const [status, setStatus] = useState<Status | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.checkinStatus().then(setStatus, (err: unknown) => setError(errorText(err)));
  }, [api, errorText]);

  const checkIn = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.checkIn();
      setStatus(answer);
      if (answer.granted) onGranted();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (!status || status.credits <= 0) return error ? <p className="error">{error}</p> : null;
  return (
    <section className="card row spread wrap" data-testid="checkin" data-done={status.checkedIn}>
      <span>
        <strong>{t('checkin.title')}</strong>{' '}
        <span className="muted small">
          {me.isMember ? t('checkin.hint', { n: status.credits }) : t('checkin.members')}
        </span>
      </span>
      <button
        type="button"
        className="primary"
        onClick={() => void checkIn()}
        disabled={busy || status.checkedIn || !me.isMember}
        data-testid="checkin-button"
      >
        {status.checkedIn ? t('checkin.done') : t('checkin.go', { n: status.credits })}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
