import { useCallback } from 'react';
import type { WebhookDelivery } from '../../api';
import { formatTime } from '../../lib/developer';
import { useI18n } from '../../lib/i18n';
import { useSignedIn } from '../../lib/session-context';
import { useRemoteList } from '../../lib/use-remote-list';

const BADGE: Record<WebhookDelivery['status'], string> = { delivered: 'ok', pending: 'warn', failed: 'failed' };

/** An endpoint's latest deliveries, newest first (the owner remounts it to read again). */
export function DeliveryLog({ endpointId }: { endpointId: string }) {
  const { api } = useSignedIn();
  const { t, errorText } = useI18n();
  const log = useRemoteList(
    useCallback(() => api.webhookDeliveries(endpointId), [api, endpointId]),
    errorText,
  );

  if (log.error)
    return (
      <p className="error small" role="alert">
        {log.error}
      </p>
    );
  if (log.loading && log.items.length === 0) return <p className="muted small">{t('common.loading')}</p>;
  if (log.items.length === 0) return <p className="muted small">{t('dev.hooks.logEmpty')}</p>;
  return (
    <ul className="delivery-log" data-testid="delivery-log">
      {log.items.map((d) => (
        <DeliveryRow key={d.id} delivery={d} />
      ))}
    </ul>
  );
}

export function DeliveryRow({ delivery: d }: { delivery: WebhookDelivery }) {
  const { t, lang } = useI18n();
  return (
    <li className="delivery" data-testid="delivery-row" data-status={d.status} data-type={d.type}>
      <span className="row wrap">
        <span className={`badge ${BADGE[d.status]}`}>{t(`dev.delivery.${d.status}`)}</span>
        <code className="small">{d.type}</code>
        <span className="small muted">{t('dev.delivery.attempts', { n: d.attempts })}</span>
        {d.lastStatusCode !== null && (
          <span className="small muted">{t('dev.delivery.code', { code: d.lastStatusCode })}</span>
        )}
        <span className="small muted">{formatTime(d.deliveredAt ?? d.createdAt, lang)}</span>
      </span>
      {d.status === 'pending' && d.nextAttemptAt && (
        <span className="small muted">{t('dev.delivery.next', { time: formatTime(d.nextAttemptAt, lang) })}</span>
      )}
      {d.lastError && <span className="small error">{d.lastError}</span>}
    </li>
  );
}
