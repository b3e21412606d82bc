import { useEffect, useRef, useState } from 'react';
import type { WechatSignIn } from '../api';
import { LangToggle } from '../components/LangToggle';
import { PhoneCodeForm } from '../components/PhoneCodeForm';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { useSession } from '../lib/session-context';
import { takeWechatStart } from '../lib/wechat-login';

type LinkRequired = Extract<WechatSignIn, { status: 'link-required' }>;

type View =
  | { kind: 'working' }
  | { kind: 'failed'; message: string; back: 'login' | 'profile' }
  | { kind: 'link'; ticket: string; wechat: LinkRequired['wechat'] };

/**
 * `/login/wechat`, where WeChat sends the browser back with `code` and `state`: checks the state
 * against the one this tab started with, then signs in (or links, when started on the profile).
 * A first WeChat sign-in asks for a phone number here before signing in.
 */
export function WechatCallbackPage() {
  const { api, token, signIn } = useSession();
  const { t, errorText } = useI18n();
  const [view, setView] = useState<View>({ kind: 'working' });
  // React may run the effect twice in development; the code works once.
  const handled = useRef(false);

  useEffect(() => {
    if (handled.current) return;
    handled.current = true;
    const params = new URLSearchParams(window.location.search);
    const code = params.get('code');
    const state = params.get('state');
    const started = takeWechatStart(state);
    const back = started?.purpose === 'link' ? 'profile' : 'login';
    if (!started || !state) return setView({ kind: 'failed', message: t('wechat.notStarted'), back });
    if (!code) return setView({ kind: 'failed', message: t('wechat.denied'), back });
    if (started.purpose === 'link') {
      if (!token) return setView({ kind: 'failed', message: t('wechat.notStarted'), back: 'login' });
      api.wechatLinkCallback(code, state).then(
        () => navigate('/profile?wechat=linked'),
        (err: unknown) => setView({ kind: 'failed', message: errorText(err), back }),
      );
      return;
    }
    api.wechatCallback(code, state).then(
      (answer) => {
        if (answer.status === 'signed-in') {
          signIn(answer.token, answer.user);
          navigate('/');
        } else {
          setView({ kind: 'link', ticket: answer.ticket, wechat: answer.wechat });
        }
      },
      (err: unknown) => setView({ kind: 'failed', message: errorText(err), back }),
    );
  }, [api, token, signIn, t, errorText]);

  return (
    <main className="login">
      <div className="login-lang">
        <LangToggle />
      </div>
      <div className="card login-card" data-testid="wechat-callback">
        <h1>{t('wechat.title')}</h1>
        {view.kind === 'working' && <p className="muted">{t('wechat.working')}</p>}
        {view.kind === 'failed' && (
          <>
            <p className="error" role="alert" data-testid="wechat-failed">
              {view.message}
            </p>
            <button
              type="button"
              className="secondary"
              onClick={() => navigate(view.back === 'profile' ? '/profile' : '/')}
            >
              {t(view.back === 'profile' ? 'wechat.backProfile' : 'wechat.back')}
            </button>
          </>
        )}
        {view.kind === 'link' && (
          <PhoneCodeForm
            sendCode={(phone) => api.sendCode(phone)}
            submit={async (phone, code) => {
              const res = await api.wechatLinkPhone(view.ticket, phone, code);
              signIn(res.token, res.user);
              navigate('/');
            }}
            submitLabel="wechat.linkSubmit"
          >
            <h2>{t('wechat.linkTitle')}</h2>
            <p className="muted" data-testid="wechat-person">
              {t('wechat.linkHint', { name: view.wechat.nickname ?? 'WeChat' })}
            </p>
          </PhoneCodeForm>
        )}
      </div>
    </main>
  );
}
