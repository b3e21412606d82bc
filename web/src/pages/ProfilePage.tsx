import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { WechatLink } from '../api';
import { Avatar } from '../components/Avatar';
import { ConfirmButton } from '../components/developer/ConfirmButton';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { useSignedIn } from '../lib/session-context';
import { rememberWechatStart } from '../lib/wechat-login';

const PHONE = /^1\d{10}$/;
const CODE = /^\d{6}$/;

/** A countdown per texted number, following the server's cooldown. */
function useCooldown(): [number, (seconds: number) => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return [left, setLeft];
}

/**
 * 账户 / Account: nickname and picture, changing the phone number (codes to the old and the new
 * number), the linked WeChat (link by QR, unlink), and signing out everywhere.
 */
export function ProfilePage() {
  const { t } = useI18n();
  return (
    <section className="stack profile" data-testid="profile">
      <h1>{t('profile.title')}</h1>
      <BasicsCard />
      <PhoneCard />
      <WechatCard />
      <SecurityCard />
    </section>
  );
}

function BasicsCard() {
  const { api, me, refreshMe } = useSignedIn();
  const { t, errorText } = useI18n();
  const [nickname, setNickname] = useState(me.nickname ?? '');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const run = async (work: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await work();
      await refreshMe();
      if (done) setMessage({ ok: true, text: done });
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const value = nickname.trim();
    void run(() => api.setNickname(value || null), t('profile.saved'));
  };

  return (
    <section className="card" data-testid="profile-basics">
      <h2>{t('profile.basics')}</h2>
      <div className="row wrap profile-avatar">
        <Avatar me={me} size="large" />
        <div className="stack-tight">
          <span className="row wrap">
            <button type="button" className="secondary" disabled={busy} onClick={() => file.current?.click()}>
              {t('profile.avatarUpload')}
            </button>
            {me.avatarUrl && (
              <button
                type="button"
                className="link"
                disabled={busy}
                onClick={() => void run(() => api.removeAvatar())}
                data-testid="avatar-remove"
              >
                {t('profile.avatarRemove')}
              </button>
            )}
          </span>
          <span className="muted small">{t('profile.avatarHint')}</span>
          <input
            ref={file}
            type="file"
            accept="image/jpeg,image/png,image/webp"
            hidden
            data-testid="avatar-file"
            onChange={(e) => {
              const picked = e.target.files?.[0];
              e.target.value = '';
              if (picked) void run(() => api.setAvatar(picked, picked.name));
            }}
          />
        </div>
      </div>
      <form className="row wrap align-end" onSubmit={save}>
        <label className="field">
          <span>{t('profile.nickname')}</span>
          <input
            name="nickname"
            maxLength={32}
            placeholder={t('profile.nicknamePlaceholder')}
            value={nickname}
            onChange={(e) => setNickname(e.target.value)}
          />
        </label>
        <button type="submit" className="primary form-button" disabled={busy} data-testid="nickname-save">
          {t('profile.save')}
        </button>
      </form>
      {message && (
        <p className={message.ok ? 'ok' : 'error'} role={message.ok ? undefined : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

function PhoneCard() {
  const { api, me, signIn } = useSignedIn();
  const { t, errorText } = useI18n();
  const [open, setOpen] = useState(false);
  const [oldCode, setOldCode] = useState('');
  const [phone, setPhone] = useState('');
  const [newCode, setNewCode] = useState('');
  const [oldWait, setOldWait] = useCooldown();
  const [newWait, setNewWait] = useCooldown();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await work();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const sendOld = () =>
    act(async () => {
      setOldWait((await api.phoneCode('old')).cooldownSeconds || 60);
      setMessage({ ok: true, text: t('login.sent') });
    });
  const sendNew = () => {
    if (!PHONE.test(phone)) return setMessage({ ok: false, text: t('login.badPhone') });
    return act(async () => {
      setNewWait((await api.phoneCode('new', phone)).cooldownSeconds || 60);
      setMessage({ ok: true, text: t('login.sent') });
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!PHONE.test(phone)) return setMessage({ ok: false, text: t('login.badPhone') });
    if (!CODE.test(oldCode) || !CODE.test(newCode)) return setMessage({ ok: false, text: t('login.badCode') });
    void act(async () => {
      const res = await api.changePhone(phone, oldCode, newCode);
      signIn(res.token, res.user);
      setOpen(false);
      setOldCode('');
      setNewCode('');
      setPhone('');
      setMessage({ ok: true, text: t('profile.phoneChanged') });
    });
  };
  const digits = (set: (v: string) => void) => (e: { target: { value: string } }) =>
    set(e.target.value.replace(/\D/g, ''));

  return (
    <section className="card" data-testid="profile-phone">
      <h2>{t('profile.phone')}</h2>
      <p data-testid="profile-phone-current">{t('profile.phoneCurrent', { phone: me.phone })}</p>
      {!open && (
        <button type="button" className="secondary" onClick={() => setOpen(true)} data-testid="phone-change">
          {t('profile.phoneChange')}
        </button>
      )}
      {open && (
        <form onSubmit={submit} noValidate>
          <label className="field">
            <span>{t('profile.phoneOldCode')}</span>
            <span className="row">
              <input name="oldCode" inputMode="numeric" maxLength={6} value={oldCode} onChange={digits(setOldCode)} />
              <button
                type="button"
                className="secondary nowrap"
                disabled={busy || oldWait > 0}
                onClick={() => void sendOld()}
                data-testid="phone-old-send"
              >
                {oldWait > 0 ? t('login.resend', { s: oldWait }) : t('login.send')}
              </button>
            </span>
          </label>
          <label className="field">
            <span>{t('profile.phoneNew')}</span>
            <input
              name="newPhone"
              inputMode="numeric"
              autoComplete="tel"
              maxLength={11}
              placeholder={t('login.phonePlaceholder')}
              value={phone}
              onChange={digits(setPhone)}
            />
          </label>
          <label className="field">
            <span>{t('profile.phoneNewCode')}</span>
            <span className="row">
              <input name="newCode" inputMode="numeric" maxLength={6} value={newCode} onChange={digits(setNewCode)} />
              <button
                type="button"
                className="secondary nowrap"
                disabled={busy || newWait > 0}
                onClick={() => void sendNew()}
                data-testid="phone-new-send"
              >
                {newWait > 0 ? t('login.resend', { s: newWait }) : t('login.send')}
              </button>
            </span>
          </label>
          <span className="row wrap">
            <button type="submit" className="primary" disabled={busy} data-testid="phone-submit">
              {t('profile.phoneSubmit')}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
          </span>
        </form>
      )}
      {message && (
        <p className={message.ok ? 'ok' : 'error'} role={message.ok ? undefined : 'alert'} data-testid="phone-message">
          {message.text}
        </p>
      )}
    </section>
  );
}

function WechatCard() {
  const { api } = useSignedIn();
  const { t, errorText } = useI18n();
  const [link, setLink] = useState<WechatLink | null>(null);
  const [enabled, setEnabled] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const justLinked = new URLSearchParams(window.location.search).get('wechat') === 'linked';

  const load = useCallback(async () => {
    const [mine, config] = await Promise.all([api.myWechat(), api.wechatConfig()]);
    setLink(mine);
    setEnabled(config.web);
  }, [api]);
  useEffect(() => {
    load().catch((err: unknown) => setError(errorText(err)));
  }, [load, errorText]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const { url, state } = await api.wechatLinkStart();
      rememberWechatStart(state, 'link');
      window.location.assign(url);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  const unlink = async () => {
    setBusy(true);
    setError(null);
    try {
      setLink(await api.unlinkWechat());
      if (justLinked) navigate('/profile');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" data-testid="profile-wechat">
      <h2>{t('profile.wechat')}</h2>
      {link?.linked && justLinked && <p className="ok">{t('profile.wechatJustLinked')}</p>}
      {link && !link.linked && <p className="muted">{t('profile.wechatNone')}</p>}
      {link?.linked && (
        <p data-testid="wechat-linked">{t('profile.wechatLinked', { name: link.nickname ?? 'WeChat' })}</p>
      )}
      <span className="row wrap">
        {link && !link.linked && enabled && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void start()}
            data-testid="wechat-link"
          >
            {t('profile.wechatLink')}
          </button>
        )}
        {link?.linked && (
          <ConfirmButton
            label={t('profile.wechatUnlink')}
            question={t('profile.wechatUnlinkQuestion')}
            onConfirm={() => void unlink()}
            disabled={busy}
            testId="wechat-unlink"
          />
        )}
      </span>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function SecurityCard() {
  const { api, signOut } = useSignedIn();
  const { t, errorText } = useI18n();
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card" data-testid="profile-security">
      <h2>{t('profile.security')}</h2>
      <p className="muted">{t('profile.signOutAllHint')}</p>
      <ConfirmButton
        label={t('profile.signOutAll')}
        question={t('profile.signOutAllQuestion')}
        onConfirm={() => {
          api.signOutEverywhere().then(
            () => signOut(),
            (err: unknown) => setError(errorText(err)),
          );
        }}
        testId="sign-out-everywhere"
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
