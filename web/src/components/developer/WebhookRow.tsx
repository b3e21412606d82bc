import { useState } from 'react';
import type { WebhookDelivery, WebhookEndpoint } from '../../api';
import { formatTime } from '../../lib/developer';
import { useI18n } from '../../lib/i18n';
import { useSignedIn } from '../../lib/session-context';
import { ConfirmButton } from './ConfirmButton';
import { DeliveryLog } from './DeliveryLog';

type TestState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'done'; delivery: WebhookDelivery }
  | { kind: 'error'; message: string };

/** One endpoint: what it receives, a signed test ping with its outcome, its log, delete. */
export function WebhookRow({ endpoint, onDelete }: { endpoint: WebhookEndpoint; onDelete: () => void }) {
  const { api } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const [showLog, setShowLog] = useState(false);
  // Bumped after a test so an open log shows the new ping (DeliveryLog is keyed on it).
  const [logVersion, setLogVersion] = useState(0);

  const sendTest = async () => {
    setTest({ kind: 'sending' });
    try {
      setTest({ kind: 'done', delivery: await api.testWebhook(endpoint.id) });
    } catch (err) {
      setTest({ kind: 'error', message: errorText(err) });
    }
    setLogVersion((v) => v + 1);
  };

  return (
    <li className="dev-item" data-testid="webhook-row" data-url={endpoint.url}>
      <div className="dev-item-main">
        <strong className="mono break">{endpoint.url}</strong>
        <span className={endpoint.active ? 'badge ok' : 'badge'}>
          {t(endpoint.active ? 'dev.hooks.active' : 'dev.hooks.inactive')}
        </span>
      </div>
      <div className="row wrap small">
        {endpoint.events.map((event) => (
          <code key={event} className="chip">
            {event}
          </code>
        ))}
        <span className="muted">
          {t('dev.created')} {formatTime(endpoint.createdAt, lang)}
        </span>
        {endpoint.apiKeyPrefix && (
          <span className="muted" data-testid="webhook-by-key" title={t('dev.hooks.byKeyHint')}>
            {t('dev.hooks.byKey')} <code className="mono">ak_{endpoint.apiKeyPrefix}_…</code>
          </span>
        )}
      </div>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={sendTest}
          disabled={test.kind === 'sending'}
          data-testid="webhook-test"
        >
          {test.kind === 'sending' ? t('dev.hooks.testing') : t('dev.hooks.test')}
        </button>
        <button
          type="button"
          className="secondary"
          aria-expanded={showLog}
          onClick={() => setShowLog((v) => !v)}
          data-testid="webhook-log-toggle"
        >
          {showLog ? t('dev.hooks.hideLog') : t('dev.hooks.log')}
        </button>
        <ConfirmButton
          label={t('dev.hooks.delete')}
          question={t('dev.hooks.deleteConfirm')}
          onConfirm={onDelete}
          testId="webhook-delete"
        />
      </div>
      <TestOutcome test={test} />
      {showLog && <DeliveryLog key={logVersion} endpointId={endpoint.id} />}
    </li>
  );
}

function TestOutcome({ test }: { test: TestState }) {
  const { t } = useI18n();
  if (test.kind === 'error')
    return (
      <p className="error small" role="alert">
        {test.message}
      </p>
    );
  if (test.kind !== 'done') return null;
  const d = test.delivery;
  const ok = d.status === 'delivered';
  const reason =
    d.lastError ?? (d.lastStatusCode !== null ? t('dev.delivery.code', { code: d.lastStatusCode }) : d.status);
  return (
    <p
      className={ok ? 'ok small' : 'error small'}
      role="status"
      data-testid="webhook-test-result"
      data-status={d.status}
    >
      {ok ? t('dev.delivery.testOk', { code: d.lastStatusCode ?? 200 }) : t('dev.delivery.testFailed', { reason })}
    </p>
  );
}
