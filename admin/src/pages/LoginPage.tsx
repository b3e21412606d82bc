import { useState } from 'react';
import { LangToggle, useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useSubmit } from '../lib/use-submit';

export function LoginPage() {
  const { api, signIn } = useSession();
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const res = await api.login(username.trim(), password);
    signIn(res.token, res.admin);
  });
  return (
    <main className="login">
      <form className="card stack login-card" onSubmit={submit}>
        <div className="row spread">
          <h1>{t('login.title')}</h1>
          <LangToggle />
        </div>
        <label className="field">
          <span>{t('login.username')}</span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="error small" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}
