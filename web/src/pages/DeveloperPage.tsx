import { useReducer } from 'react';
import { ApiKeysCard } from '../components/developer/ApiKeysCard';
import { DeveloperGuide } from '../components/developer/DeveloperGuide';
import { SecretDialog } from '../components/developer/SecretDialog';
import { WebhooksCard } from '../components/developer/WebhooksCard';
import { HIDDEN, revealReducer } from '../lib/developer';
import { useI18n } from '../lib/i18n';

/** 开发者: API keys, webhooks and how to use them. Loaded on demand (see App). */
export function DeveloperPage() {
  const { t } = useI18n();
  // One dialog for both kinds of secret: only one can be fresh at a time.
  const [reveal, dispatch] = useReducer(revealReducer, HIDDEN);
  return (
    <section className="stack" data-testid="developer">
      <div>
        <h1>{t('dev.title')}</h1>
        <p className="muted">{t('dev.intro')}</p>
      </div>
      <div className="developer">
        <div className="stack">
          <ApiKeysCard reveal={dispatch} />
          <WebhooksCard reveal={dispatch} />
        </div>
        <DeveloperGuide />
      </div>
      <SecretDialog reveal={reveal} dispatch={dispatch} />
    </section>
  );
}
