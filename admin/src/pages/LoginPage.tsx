import { useState } from 'react';
import { accountErrorText } from '../lib/account-errors';
import { useSession } from '../lib/session';
import { useSubmit } from '../lib/use-submit';

export function LoginPage() {
  const { api, signIn } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const res = await api.login(username.trim(), password);
    signIn(res.token, res.admin);
  }, accountErrorText);
  return (
    <main className="login">
      <form className="card stack login-card" onSubmit={submit}>
        <h1>AI Photo 管理后台</h1>
        <label className="field">
          <span>用户名</span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>密码</span>
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
          登录
        </button>
      </form>
    </main>
  );
}
