import { useState } from 'react';
import type { AdminAccount } from '../api';
import { accountErrorText } from '../lib/account-errors';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { useSubmit } from '../lib/use-submit';
import { FormActions } from '../components/FormActions';

type Role = AdminAccount['role'];

/** New console account; the same rules as the API (checked again there). */
export function AccountForm({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const { busy, error, submit } = useSubmit(
    async () => {
      await api.createAccount({ username: username.trim(), password, role });
      onDone();
    },
    (err) => accountErrorText(err, t),
  );

  return (
    <form className="card stack" onSubmit={submit} data-testid="account-form">
      <h2>{t('accounts.new')}</h2>
      <div className="row wrap">
        <label className="field">
          <span>{t('account.usernameLabel')}</span>
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
          <span>{t('account.passwordLabel')}</span>
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
          <span>{t('accounts.role')}</span>
          <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="operator">{t('role.operator')}</option>
            <option value="admin">{t('role.admin')}</option>
          </select>
        </label>
      </div>
      <FormActions error={error} busy={busy} submitLabel={t('account.create')} onCancel={onCancel} />
    </form>
  );
}
