import { useState } from 'react';
import type { Task } from '../api';
import { downloadUrl, fileNameOf } from '../lib/download';
import { useI18n } from '../lib/i18n';
import { BeforeAfter } from './BeforeAfter';
import { Lightbox, type LightboxImage } from './Lightbox';

/** basic_clean: before (the signed input URL) and after; model_pose12: the 12 poses. */
export function ResultGallery({ task }: { task: Task }) {
  const { t } = useI18n();
  const [zoom, setZoom] = useState<number | null>(null);
  const images: LightboxImage[] = task.resultUrls.map((url, i) => ({
    url,
    label: task.type === 'model_pose12' ? t('task.pose', { n: i + 1 }) : t('task.after'),
  }));
  if (!images.length) return null;
  return (
    <section className="card" data-testid="results">
      <h2>{t('task.results')}</h2>
      {task.type === 'basic_clean' ? (
        <BeforeAfter before={task.inputUrl} after={images[0].url} onZoom={() => setZoom(0)} />
      ) : (
        <ul className={task.type === 'model_pose12' ? 'gallery poses' : 'gallery single'}>
          {images.map((img, i) => (
            <li key={img.url}>
              <button type="button" className="thumb" onClick={() => setZoom(i)} aria-label={img.label}>
                <img src={img.url} alt={img.label} loading="lazy" data-testid="result-image" />
              </button>
              <span className="row spread small">
                {img.label}
                <button
                  type="button"
                  className="link small"
                  onClick={() => void downloadUrl(img.url, fileNameOf(img.url, `${i + 1}.png`))}
                >
                  {t('task.download')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {zoom !== null && <Lightbox images={images} index={zoom} onIndex={setZoom} onClose={() => setZoom(null)} />}
    </section>
  );
}
