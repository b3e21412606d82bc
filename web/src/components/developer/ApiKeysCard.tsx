import { useCallback, useState, type Dispatch, type FormEvent } from 'react';
import type { ApiKey } from '../../api';
import { formatTime, type RevealAction } from '../../lib/developer';
import { useI18n } from '../../lib/i18n';
import { useSignedIn } from '../../lib/session-context';
import { useRemoteList } from '../../lib/use-remote-list';
import { ConfirmButton } from './ConfirmButton';

/** The merchant's API keys: create (the key goes to the shown-once dialog), list, revoke. */
export function ApiKeysCard({ reveal }: { reveal: Dispatch<RevealAction> }) {
  const { api } = useSignedIn();
  const { t, errorText } = useI18n();
  const keys = useRemoteList(
    useCallback(() => api.apiKeys(), [api]),
    errorText,
  );
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.createApiKey(name.trim());
      reveal({ type: 'show', kind: 'apiKey', label: created.name, secret: created.key });
      setName('');
      await keys.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKey) => {
    setError(null);
    try {
      await api.revokeApiKey(key.id);
    } catch (err) {
      setError(errorText(err));
    }
    await keys.reload();
  };

  return (
    <section className="card" data-testid="api-keys">
      <h2>{t('dev.keys.title')}</h2>
      <form className="row wrap align-end" onSubmit={create} data-testid="api-key-form">
        <label className="field">
          <span>{t('dev.keys.name')}</span>
          <input
            name="keyName"
            value={name}
            maxLength={64}
            required
            placeholder={t('dev.keys.namePlaceholder')}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="primary form-button"
          disabled={busy || !name.trim()}
          data-testid="api-key-create"
        >
          {t('dev.keys.create')}
        </button>
      </form>
      <p className="muted small">{t('dev.keys.limit')}</p>
      {(error ?? keys.error) && (
        <p className="error" role="alert" data-testid="api-key-error">
          {error ?? keys.error}
        </p>
      )}
      {!keys.loading && !keys.error && keys.items.length === 0 && <p className="muted">{t('dev.keys.empty')}</p>}
      <ul className="dev-list">
        {keys.items.map((key) => (
          <ApiKeyRow key={key.id} apiKey={key} onRevoke={() => revoke(key)} />
        ))}
      </ul>
    </section>
  );
}

function ApiKeyRow({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke: () => void }) {
  const { t, lang } = useI18n();
  const revoked = apiKey.revokedAt !== null;
  return (
    <li className="dev-item" data-testid="api-key-row" data-name={apiKey.name} data-revoked={revoked}>
      <div className="dev-item-main">
        <strong className="break">{apiKey.name}</strong>
        {revoked && apiKey.revokedAt ? (
          <span className="badge failed">{t('dev.keys.revoked', { time: formatTime(apiKey.revokedAt, lang) })}</span>
        ) : (
          <span className="badge ok">{t('dev.keys.active')}</span>
        )}
      </div>
      <dl className="facts small">
        <dt>{t('dev.keys.prefix')}</dt>
        <dd className="mono">ak_{apiKey.prefix}_…</dd>
        <dt>{t('dev.created')}</dt>
        <dd>{formatTime(apiKey.createdAt, lang)}</dd>
        <dt>{t('dev.lastUsed')}</dt>
        <dd>{apiKey.lastUsedAt ? formatTime(apiKey.lastUsedAt, lang) : t('dev.never')}</dd>
      </dl>
      {!revoked && (
        <div className="actions">
          <ConfirmButton
            label={t('dev.keys.revoke')}
            question={t('dev.keys.revokeConfirm')}
            onConfirm={onRevoke}
            testId="api-key-revoke"
          />
        </div>
      )}
    </li>
  );
}
