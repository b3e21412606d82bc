import { useEffect, useState, type FormEvent } from 'react';
import type { Invite } from '../api';
import { useI18n } from '../lib/i18n';
import { useSignedIn } from '../lib/session-context';

/** The link a merchant shares: the portal with the code, which the invitee's sign-in picks up. */
export function inviteLink(code: string, origin = window.location.origin): string {
  return `${origin}/?invite=${encodeURIComponent(code)}`;
}

/** My invite code and link, how many signed up and were rewarded, and entering someone's code. */
export function InviteCard() {
  const { api } = useSignedIn();
  const { t, errorText } = useI18n();
  const [invite, setInvite] = useState<Invite | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    api.invite().then(setInvite, (err: unknown) => setError(errorText(err)));
  }, [api, errorText]);

  const redeem = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setInvite(await api.redeemInvite(code.trim()));
    } catch (err) {
      setError(errorText(err));
    }
  };
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  if (!invite) return error ? <p className="error">{error}</p> : null;
  const link = inviteLink(invite.code);
  return (
    <section className="card stack tight" data-testid="invite">
      <h2>{t('invite.title')}</h2>
      <p className="muted small">{t('invite.rule', { mine: invite.inviterCredits, theirs: invite.inviteeCredits })}</p>
      <div className="row wrap">
        <span>
          {t('invite.code')} <strong data-testid="invite-code">{invite.code}</strong>
        </span>
        <button type="button" className="secondary" onClick={() => void copy(link)} data-testid="copy-invite">
          {copied ? t('dev.secret.copied') : t('invite.copyLink')}
        </button>
      </div>
      <code className="ellipsis small">{link}</code>
      <span className="muted small" data-testid="invite-counts">
        {t('invite.counts', { invited: invite.invitedCount, rewarded: invite.rewardedCount })}
      </span>
      {invite.canRedeem && (
        <form className="row wrap" onSubmit={redeem}>
          <input
            name="invite-code"
            value={code}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
            placeholder={t('invite.enter')}
            maxLength={16}
            aria-label={t('invite.enter')}
          />
          <button type="submit" className="secondary" disabled={code.trim().length < 4}>
            {t('invite.redeem')}
          </button>
        </form>
      )}
      {invite.invited && <span className="ok small">{t('invite.redeemed')}</span>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
