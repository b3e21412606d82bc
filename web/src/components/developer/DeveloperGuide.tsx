import { curlCreateTask, SIGNATURE_SCHEME } from '../../lib/developer';
import { useI18n } from '../../lib/i18n';

/** How to call the API with a key and how to verify a webhook; code stays in English. */
export function DeveloperGuide() {
  const { t } = useI18n();
  return (
    <section className="card guide" data-testid="developer-guide">
      <h2>{t('dev.guide.title')}</h2>
      <p>{t('dev.guide.auth')}</p>
      <pre className="code">{'Authorization: Bearer ak_…\nX-API-Key: ak_…'}</pre>
      <p className="muted small">{t('dev.guide.authScope')}</p>
      <p>{t('dev.guide.curl')}</p>
      <pre className="code" data-testid="curl-example">
        {curlCreateTask(window.location.origin)}
      </pre>
      <p>{t('dev.guide.webhook')}</p>
      <pre className="code">
        {[
          'X-AiPhoto-Event: task.done',
          'X-AiPhoto-Delivery: <id>',
          'X-AiPhoto-Timestamp: <unix seconds>',
          'X-AiPhoto-Nonce: <hex>',
          SIGNATURE_SCHEME,
        ].join('\n')}
      </pre>
      <p className="muted small">{t('dev.guide.verify')}</p>
    </section>
  );
}
