import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { CreditPacksSettings } from './CreditPacksSettings';
import { ServerSettings } from './ServerSettings';

/** Server settings (plan, packs, check-in, invites), the credit packs on sale and where the n8n editor is. */
export function SettingsPage() {
  const { t } = useI18n();
  const { n8nEditorUrl } = useSession();
  return (
    <div className="stack" data-testid="settings">
      <h1>{t('nav.settings')}</h1>
      <ServerSettings />
      <CreditPacksSettings />
      <section className="card stack" data-testid="n8n-editor">
        <h2>{t('settings.n8nTitle')}</h2>
        <p className="muted small">{t('settings.n8nHelp')}</p>
        {n8nEditorUrl ? (
          <a className="mono" href={n8nEditorUrl} target="_blank" rel="noreferrer" data-testid="n8n-editor-url">
            {n8nEditorUrl}
          </a>
        ) : (
          <p className="muted">{t('settings.n8nUnset')}</p>
        )}
      </section>
    </div>
  );
}
