import { useState, type FormEvent } from 'react';
import type { AdminAccount } from '../api';
import { dateTime } from '../format';
import { accountErrorText } from '../lib/account-errors';
import { useAdmin } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { AccountForm } from './AccountForm';

const ROLE_TEXT: Record<AdminAccount['role'], string> = { admin: '管理员', operator: '运营' };

/** Console accounts (admins only): create, change role, reset password, disable or enable. */
export function AccountsPage() {
  const { api, admin } = useAdmin();
  const { data, error, reload } = useLoad(() => api.accounts(), [api]);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<AdminAccount | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const change = async (a: AdminAccount, body: Parameters<typeof api.updateAccount>[1]) => {
    setActionError(null);
    try {
      await api.updateAccount(a.id, body);
      await reload();
    } catch (err) {
      setActionError(accountErrorText(err));
    }
  };

  return (
    <div className="stack" data-testid="accounts">
      <div className="row spread wrap">
        <h1>账号</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          新建账号
        </button>
      </div>
      <p className="muted small">运营只能看到任务与场景。停用的账号立即退出且无法登录；至少保留一个启用的管理员。</p>
      {(error || actionError) && (
        <p className="error" role="alert">
          {error ?? actionError}
        </p>
      )}
      {creating && (
        <AccountForm
          onDone={async () => {
            setCreating(false);
            await reload();
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      {resetting && <PasswordReset account={resetting} onDone={() => setResetting(null)} />}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>用户名</th>
              <th>角色</th>
              <th>状态</th>
              <th>创建时间</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data?.items.map((a) => (
              <tr
                key={a.id}
                data-testid="account-row"
                data-username={a.username}
                data-role={a.role}
                data-disabled={String(a.disabled)}
              >
                <td>
                  {a.username}
                  {a.id === admin.id && <span className="muted small">（我）</span>}
                </td>
                <td>
                  <select
                    aria-label={`${a.username} 的角色`}
                    value={a.role}
                    onChange={(e) => change(a, { role: e.target.value as AdminAccount['role'] })}
                  >
                    {(['operator', 'admin'] as const).map((r) => (
                      <option key={r} value={r}>
                        {ROLE_TEXT[r]}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="nowrap">
                  {a.disabled ? <span className="badge failed">已停用</span> : <span className="badge ok">启用</span>}
                </td>
                <td className="nowrap small">{dateTime(a.createdAt)}</td>
                <td className="nowrap">
                  <button type="button" className="link" onClick={() => setResetting(a)}>
                    重置密码
                  </button>{' '}
                  {a.id !== admin.id && (
                    <button
                      type="button"
                      className={a.disabled ? 'link' : 'link danger'}
                      data-testid="toggle-disabled"
                      onClick={() => change(a, { disabled: !a.disabled })}
                    >
                      {a.disabled ? '启用' : '停用'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function PasswordReset({ account, onDone }: { account: AdminAccount; onDone: () => void }) {
  const { api } = useAdmin();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.updateAccount(account.id, { password });
      setSaved(true);
      setPassword('');
    } catch (err) {
      setError(accountErrorText(err));
    }
  };
  return (
    <form className="card stack" onSubmit={submit} data-testid="password-reset">
      <h2>重置 {account.username} 的密码</h2>
      <div className="row wrap">
        <input
          className="grow"
          name="new-password"
          type="password"
          autoComplete="new-password"
          placeholder="新密码（至少 10 位，含字母和数字）"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setSaved(false);
          }}
          required
          minLength={10}
          maxLength={128}
        />
        <button type="submit" className="primary">
          保存
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          关闭
        </button>
      </div>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      {saved && <p className="ok small">已保存，下次登录使用新密码</p>}
    </form>
  );
}
