import { useState, type FormEvent } from 'react';
import type { WebhookEndpoint } from '../../api';
import { toggleEvent, WEBHOOK_EVENTS, webhookFormProblem, type WebhookEvent } from '../../lib/developer';
import { useI18n } from '../../lib/i18n';
import { useSignedIn } from '../../lib/session-context';

/** URL plus event checkboxes; hands the created endpoint (with its one-time secret) up. */
export function WebhookForm({
  onCreated,
}: {
  onCreated: (created: WebhookEndpoint & { secret: string }) => Promise<void>;
}) {
  const { api } = useSignedIn();
  const { t, errorText } = useI18n();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([...WEBHOOK_EVENTS]);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const problem = webhookFormProblem(url, events);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setError(null);
    if (problem) return;
    setBusy(true);
    try {
      await onCreated(await api.createWebhook({ url: url.trim(), events }));
      setUrl('');
      setTried(false);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="webhook-form">
      <label className="field">
        <span>{t('dev.hooks.url')}</span>
        <input
          name="webhookUrl"
          type="url"
          inputMode="url"
          maxLength={512}
          value={url}
          placeholder={t('dev.hooks.urlPlaceholder')}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <fieldset className="events">
        <legend>{t('dev.hooks.events')}</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event} className="row">
            <input
              type="checkbox"
              name="event"
              value={event}
              checked={events.includes(event)}
              onChange={() => setEvents((list) => toggleEvent(list, event))}
            />
            <span>{t(`dev.hooks.event.${event}`)}</span>
            <code className="muted small">{event}</code>
          </label>
        ))}
      </fieldset>
      {tried && problem && (
        <p className="error small" role="alert">
          {t(problem === 'url' ? 'dev.hooks.badUrl' : 'dev.hooks.noEvents')}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="webhook-error">
          {error}
        </p>
      )}
      <div className="row wrap">
        <button type="submit" className="primary" disabled={busy} data-testid="webhook-create">
          {t('dev.hooks.create')}
        </button>
        <span className="muted small">{t('dev.hooks.limit')}</span>
      </div>
    </form>
  );
}
