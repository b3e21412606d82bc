import { useEffect, useState } from 'react';
import { LangToggle } from '../components/LangToggle';
import { PhoneCodeForm } from '../components/PhoneCodeForm';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session-context';
import { rememberWechatStart } from '../lib/wechat-login';
import { PriceList } from '../components/PriceList';

/** Phone + SMS code, and 微信登录 (the WeChat QR login) when the server offers it. */
export function LoginPage() {
  const { api, signIn } = useSession();
  const { t, errorText } = useI18n();
  const [wechat, setWechat] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.wechatConfig().then(
      (c) => live && setWechat(c.web),
      () => undefined, // no button then; phone sign-in still works
    );
    return () => {
      live = false;
    };
  }, [api]);

  const signInWithWechat = async () => {
    setError(null);
    setBusy(true);
    try {
      const { url, state } = await api.wechatStart();
      rememberWechatStart(state, 'sign-in');
      window.location.assign(url);
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
      <div className="card login-card">
        <h1>{t('brand')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <h2>{t('login.title')}</h2>
        <PhoneCodeForm
          sendCode={(phone) => api.sendCode(phone)}
          submit={async (phone, code) => {
            const res = await api.login(phone, code);
            signIn(res.token, res.user);
          }}
          submitLabel="login.submit"
        />
        {wechat && (
          <>
            <p className="login-or muted small">{t('login.or')}</p>
            <button
              type="button"
              className="secondary block wechat-button"
              onClick={signInWithWechat}
              disabled={busy}
              data-testid="wechat-login"
            >
              {t('login.wechat')}
            </button>
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
          </>
        )}
      </div>
      <PriceList />
    </main>
  );
}
