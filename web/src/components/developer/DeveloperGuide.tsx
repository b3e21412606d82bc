import { curlCreateTask, DEPRECATED_HEADERS, STANDARD_WEBHOOK_HEADERS, VERIFY_SNIPPET } from '../../lib/developer';
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
      <p>
        {t('dev.guide.webhook')}{' '}
        <a href="https://www.standardwebhooks.com" target="_blank" rel="noreferrer">
          Standard Webhooks
        </a>
      </p>
      <pre className="code" data-testid="webhook-headers">
        {STANDARD_WEBHOOK_HEADERS}
      </pre>
      <p>{t('dev.guide.verifyLibrary')}</p>
      <pre className="code" data-testid="verify-snippet">
        {VERIFY_SNIPPET}
      </pre>
      <p className="muted small">{t('dev.guide.verify')}</p>
      <p className="muted small">{t('dev.guide.deprecated')}</p>
      <pre className="code muted small" data-testid="deprecated-headers">
        {DEPRECATED_HEADERS}
      </pre>
    </section>
  );
}
