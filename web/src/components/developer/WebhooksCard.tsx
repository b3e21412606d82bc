import { useCallback, useState, type Dispatch } from 'react';
import type { WebhookEndpoint } from '../../api';
import type { RevealAction } from '../../lib/developer';
import { useI18n } from '../../lib/i18n';
import { useSignedIn } from '../../lib/session-context';
import { useRemoteList } from '../../lib/use-remote-list';
import { WebhookForm } from './WebhookForm';
import { WebhookRow } from './WebhookRow';

/** Webhook endpoints: register (the secret goes to the shown-once dialog), list, test, delete. */
export function WebhooksCard({ reveal }: { reveal: Dispatch<RevealAction> }) {
  const { api } = useSignedIn();
  const { t, errorText } = useI18n();
  const hooks = useRemoteList(
    useCallback(() => api.webhooks(), [api]),
    errorText,
  );
  const [error, setError] = useState<string | null>(null);

  const created = async (endpoint: WebhookEndpoint & { secret: string }) => {
    reveal({ type: 'show', kind: 'webhook', label: endpoint.url, secret: endpoint.secret });
    await hooks.reload();
  };

  const remove = async (endpoint: WebhookEndpoint) => {
    setError(null);
    try {
      await api.deleteWebhook(endpoint.id);
    } catch (err) {
      setError(errorText(err));
    }
    await hooks.reload();
  };

  return (
    <section className="card" data-testid="webhooks">
      <h2>{t('dev.hooks.title')}</h2>
      <WebhookForm onCreated={created} />
      {(error ?? hooks.error) && (
        <p className="error" role="alert">
          {error ?? hooks.error}
        </p>
      )}
      {!hooks.loading && !hooks.error && hooks.items.length === 0 && <p className="muted">{t('dev.hooks.empty')}</p>}
      <ul className="dev-list">
        {hooks.items.map((endpoint) => (
          <WebhookRow key={endpoint.id} endpoint={endpoint} onDelete={() => remove(endpoint)} />
        ))}
      </ul>
    </section>
  );
}
