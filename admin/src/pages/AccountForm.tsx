import { useState } from 'react';
import type { AdminAccount } from '../api';
import { accountErrorText } from '../lib/account-errors';
import { useSession } from '../lib/session';
import { useSubmit } from '../lib/use-submit';

type Role = AdminAccount['role'];

/** New console account; the same rules as the API (checked again there). */
export function AccountForm({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const { api } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const { busy, error, submit } = useSubmit(async () => {
    await api.createAccount({ username: username.trim(), password, role });
    onDone();
  }, accountErrorText);

  return (
    <form className="card stack" onSubmit={submit} data-testid="account-form">
      <h2>新建账号</h2>
      <div className="row wrap">
        <label className="field">
          <span>用户名（3–64 位字母、数字、. _ -）</span>
          <input
            name="username"
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            minLength={3}
            maxLength={64}
            pattern="[A-Za-z0-9._\-]+"
          />
        </label>
        <label className="field">
          <span>初始密码（至少 10 位，含字母和数字）</span>
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={10}
            maxLength={128}
          />
        </label>
        <label className="field narrow">
          <span>角色</span>
          <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="operator">运营</option>
            <option value="admin">管理员</option>
          </select>
        </label>
      </div>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          创建
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}
