import { useState, type FormEvent } from 'react';
import type { AdminAccount } from '../api';
import { accountErrorText } from '../lib/account-errors';
import { useI18n } from '../lib/i18n';
import { useAdmin } from '../lib/session';
import { useLoad } from '../lib/use-load';
import { AccountForm } from './AccountForm';
import { DataTable, EnabledBadge, RowActions } from '../components/DataTable';

type Role = AdminAccount['role'];
const ROLES: Role[] = ['operator', 'admin'];

/**
 * Console accounts (admins only): create, change role (after a confirmation saying what the
 * role may do), reset password, disable or enable.
 */
export function AccountsPage() {
  const { api, admin } = useAdmin();
  const { t, errorText, dateTime } = useI18n();
  const { data, error, reload } = useLoad(() => api.accounts(), [api]);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<AdminAccount | null>(null);
  const [roleChange, setRoleChange] = useState<{ account: AdminAccount; role: Role } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const roleName = (r: Role) => t(r === 'admin' ? 'role.admin' : 'role.operator');

  const change = async (a: AdminAccount, body: Parameters<typeof api.updateAccount>[1]) => {
    setActionError(null);
    try {
      await api.updateAccount(a.id, body);
      await reload();
    } catch (err) {
      setActionError(accountErrorText(err, t) ?? errorText(err));
    }
  };

  return (
    <div className="stack" data-testid="accounts">
      <div className="row spread wrap">
        <h1>{t('nav.accounts')}</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          {t('accounts.new')}
        </button>
      </div>
      <p className="muted small">{t('accounts.help')}</p>
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
      {roleChange && (
        <div className="card confirm row wrap" role="alertdialog" data-testid="role-confirm">
          <span>
            {t('accounts.confirmRole', {
              name: roleChange.account.username,
              role: roleName(roleChange.role),
              effect: t(roleChange.role === 'admin' ? 'accounts.effect.admin' : 'accounts.effect.operator'),
            })}
          </span>
          <button
            type="button"
            className="primary"
            data-testid="role-confirm-yes"
            onClick={() => {
              const { account, role } = roleChange;
              setRoleChange(null);
              void change(account, { role });
            }}
          >
            {t('accounts.confirmYes')}
          </button>
          <button type="button" className="secondary" onClick={() => setRoleChange(null)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      <DataTable
        headers={[t('accounts.username'), t('accounts.role'), t('accounts.state'), t('accounts.created')]}
        actions
      >
        {data?.items.map((a) => (
          <tr
            key={a.id}
            data-testid="account-row"
            data-username={a.username}
            data-role={a.role}
            data-disabled={String(a.disabled)}
          >
            <td className="nowrap">
              {a.username}
              {a.id === admin.id && <span className="muted small">{t('accounts.me')}</span>}
            </td>
            <td>
              <select
                aria-label={t('accounts.roleOf', { name: a.username })}
                // Stays on the stored role until the change is confirmed and saved.
                value={a.role}
                onChange={(e) => setRoleChange({ account: a, role: e.target.value as Role })}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {roleName(r)}
                  </option>
                ))}
              </select>
            </td>
            <td className="nowrap">
              <EnabledBadge enabled={!a.disabled} off="failed" />
            </td>
            <td className="nowrap small">{dateTime(a.createdAt)}</td>
            <RowActions>
              <button type="button" className="link" onClick={() => setResetting(a)}>
                {t('accounts.resetPassword')}
              </button>
              {a.id !== admin.id && (
                <button
                  type="button"
                  className={a.disabled ? 'link' : 'link danger'}
                  data-testid="toggle-disabled"
                  onClick={() => change(a, { disabled: !a.disabled })}
                >
                  {a.disabled ? t('common.enable') : t('common.disable')}
                </button>
              )}
            </RowActions>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

function PasswordReset({ account, onDone }: { account: AdminAccount; onDone: () => void }) {
  const { api } = useAdmin();
  const { t, errorText } = useI18n();
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
      setError(accountErrorText(err, t) ?? errorText(err));
    }
  };
  return (
    <form className="card stack" onSubmit={submit} data-testid="password-reset">
      <h2>{t('accounts.resetTitle', { name: account.username })}</h2>
      <div className="row wrap">
        <input
          className="grow"
          name="new-password"
          type="password"
          autoComplete="new-password"
          placeholder={t('accounts.newPassword')}
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
          {t('common.save')}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('common.close')}
        </button>
      </div>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      {saved && <p className="ok small">{t('accounts.saved')}</p>}
    </form>
  );
}
