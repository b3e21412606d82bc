import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../lib/i18n';
import type { MessageKey } from '../lib/messages';

const PHONE = /^1\d{10}$/;
const CODE = /^\d{6}$/;

/**
 * What went wrong, kept as a message key or the refusal itself and put into words when drawn: a
 * language switch re-says it in the new language instead of leaving the old one on screen.
 */
type Problem = { key: MessageKey } | { err: unknown };

/**
 * Phone number + texted code, with the resend countdown following the server's cooldown (or
 * Retry-After): the sign-in form, and the phone check of a first WeChat sign-in.
 */
export function PhoneCodeForm({
  sendCode,
  submit,
  submitLabel,
  children,
}: {
  sendCode: (phone: string) => Promise<{ cooldownSeconds: number }>;
  submit: (phone: string, code: string) => Promise<void>;
  submitLabel: MessageKey;
  children?: ReactNode;
}) {
  const { t, errorText } = useI18n();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [cooldown, setCooldown] = useState(0);
  const [problem, setError] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const error = problem && ('key' in problem ? t(problem.key) : errorText(problem.err));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (cooldown <= 0) return;
    const timer = setTimeout(() => setCooldown((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [cooldown]);

  const send = async () => {
    setError(null);
    setNotice(null);
    if (!PHONE.test(phone)) return setError({ key: 'login.badPhone' });
    setBusy(true);
    try {
      const sent = await sendCode(phone);
      setCooldown(sent.cooldownSeconds || 60);
      setNotice('login.sent');
    } catch (err) {
      if (err instanceof ApiError && err.retryAfterSeconds) setCooldown(err.retryAfterSeconds);
      setError({ err });
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!PHONE.test(phone)) return setError({ key: 'login.badPhone' });
    if (!CODE.test(code)) return setError({ key: 'login.badCode' });
    setBusy(true);
    try {
      await submit(phone, code);
    } catch (err) {
      setError({ err });
      setBusy(false);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      {children}
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
            onClick={send}
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
      {notice && !error && <p className="ok">{t(notice)}</p>}
      <button type="submit" className="primary block" disabled={busy}>
        {t(submitLabel)}
      </button>
    </form>
  );
}
