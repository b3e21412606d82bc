import type { UploadItem } from '../lib/use-uploads';
import { useI18n } from '../lib/i18n';
import { SMALL_SIDE } from '../lib/upload-checks';
import { ProgressBar } from './ProgressBar';

export function UploadList({ items, onRemove }: { items: UploadItem[]; onRemove: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <ul className="uploads" data-testid="uploads">
      {items.map((it) => (
        <li key={it.id} className="upload" data-state={it.key ? 'done' : it.error ? 'error' : 'uploading'}>
          <img src={it.previewUrl} alt={it.name} />
          <div className="upload-body">
            <span className="ellipsis" title={it.name}>
              {it.name}
            </span>
            {it.error ? (
              <span className="error small">{t('create.uploadFailed', { message: it.error })}</span>
            ) : it.key ? (
              <span className="ok small">{t('create.uploaded')}</span>
            ) : (
              <>
                <span className="small muted">{t('create.uploading', { p: Math.round(it.progress * 100) })}</span>
                <ProgressBar value={it.progress * 100} />
              </>
            )}
            {it.small && (
              <span className="warn small" data-testid="upload-small">
                {t('upload.small', { width: it.small.width, height: it.small.height, side: SMALL_SIDE })}
              </span>
            )}
          </div>
          <button
            type="button"
            className="icon"
            aria-label={t('create.remove')}
            title={t('create.remove')}
            onClick={() => onRemove(it.id)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
