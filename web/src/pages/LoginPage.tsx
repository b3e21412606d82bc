import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { LangToggle } from '../components/LangToggle';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session-context';

const PHONE = /^1\d{10}$/;
const CODE = /^\d{6}$/;

/** Phone + SMS code. The resend countdown follows the server's cooldown (or Retry-After). */
export function LoginPage() {
  const { api, signIn } = useSession();
  const { t, errorText } = useI18n();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [cooldown, setCooldown] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (cooldown <= 0) return;
    const timer = setTimeout(() => setCooldown((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [cooldown]);

  const sendCode = async () => {
    setError(null);
    setNotice(null);
    if (!PHONE.test(phone)) return setError(t('login.badPhone'));
    setBusy(true);
    try {
      const sent = await api.sendCode(phone);
      setCooldown(sent.cooldownSeconds || 60);
      setNotice(t('login.sent'));
    } catch (err) {
      if (err instanceof ApiError && err.retryAfterSeconds) setCooldown(err.retryAfterSeconds);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!PHONE.test(phone)) return setError(t('login.badPhone'));
    if (!CODE.test(code)) return setError(t('login.badCode'));
    setBusy(true);
    try {
      const res = await api.login(phone, code);
      signIn(res.token, res.user);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <div className="login-lang">
        <LangToggle />
      </div>
      <form className="card login-card" onSubmit={submit} noValidate>
        <h1>{t('brand')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <h2>{t('login.title')}</h2>
        <label className="field">
          <span>{t('login.phone')}</span>
          <input
            name="phone"
            inputMode="numeric"
            autoComplete="tel"
            maxLength={11}
            placeholder={t('login.phonePlaceholder')}
            value={phone}
            onChange={(e) => setPhone(e.target.value.replace(/\D/g, ''))}
          />
        </label>
        <label className="field">
          <span>{t('login.code')}</span>
          <span className="row">
            <input
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              placeholder={t('login.codePlaceholder')}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
            <button
              type="button"
              className="secondary nowrap"
              onClick={sendCode}
              disabled={busy || cooldown > 0}
              data-testid="send-code"
            >
              {cooldown > 0 ? t('login.resend', { s: cooldown }) : t('login.send')}
            </button>
          </span>
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {notice && !error && <p className="ok">{notice}</p>}
        <button type="submit" className="primary block" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}
