import { useEffect, useRef, type Dispatch } from 'react';
import { useI18n } from '../../lib/i18n';
import type { Reveal, RevealAction } from '../../lib/developer';

/**
 * Copies through the async clipboard API, else through a selected text field and the older
 * copy command (plain-http self-hosted portals are not a secure context, so the API is missing).
 */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // denied: try the selection below
  }
  if (!field) return false;
  field.select();
  return document.execCommand('copy');
}

/**
 * The one time a secret is shown. Neither Escape nor a click beside the dialog closes it: a
 * slip would lose a value the server never returns again, so only the explicit button does.
 */
export function SecretDialog({ reveal, dispatch }: { reveal: Reveal; dispatch: Dispatch<RevealAction> }) {
  const { t } = useI18n();
  const field = useRef<HTMLInputElement>(null);
  const open = reveal.open;
  useEffect(() => {
    if (open) field.current?.select();
  }, [open]);
  if (!reveal.open) return null;

  const title =
    reveal.kind === 'apiKey'
      ? t('dev.secret.keyTitle', { name: reveal.label })
      : t('dev.secret.hookTitle', { name: reveal.label });
  const copy = async () => dispatch({ type: (await copyText(reveal.secret, field.current)) ? 'copied' : 'copyFailed' });
  return (
    <div
      className="modal"
      role="dialog"
      aria-modal="true"
      aria-labelledby="secret-title"
      data-testid="secret-dialog"
      data-kind={reveal.kind}
    >
      <div className="modal-body card stack">
        <h2 id="secret-title" className="break">
          {title}
        </h2>
        <p className="notice warn" role="alert">
          <strong>{t('dev.secret.once')}</strong>
        </p>
        <div className="row secret-row">
          <input
            ref={field}
            className="mono"
            readOnly
            value={reveal.secret}
            aria-label={title}
            data-testid="secret-value"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" className="secondary" onClick={copy} data-testid="secret-copy">
            {reveal.copy === 'copied' ? t('dev.secret.copied') : t('dev.secret.copy')}
          </button>
        </div>
        {reveal.copy === 'failed' && <p className="warn small">{t('dev.secret.copyFailed')}</p>}
        <button
          type="button"
          className="primary"
          onClick={() => dispatch({ type: 'close' })}
          data-testid="secret-close"
        >
          {t('dev.secret.done')}
        </button>
      </div>
    </div>
  );
}
