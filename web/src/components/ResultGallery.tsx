import { useState } from 'react';
import type { Task } from '../api';
import { useNames } from '../lib/catalog';
import { downloadUrl, resultNameOf } from '../lib/download';
import { useI18n } from '../lib/i18n';
import { localized } from '../lib/task-form';
import { BeforeAfter } from './BeforeAfter';
import { Lightbox, type LightboxImage } from './Lightbox';
import { isVideoUrl, VideoResult } from './VideoAlbum';

/**
 * A task's results, shaped by its type: one result from one photo is a before/after pair;
 * several are a gallery (as many tiles as the type declares while they are being made); a type
 * with several inputs shows them above (e.g. the garment and the model photo of a try-on).
 */
export function ResultGallery({ task }: { task: Task }) {
  // A video result (the video album) plays in place.
  if (isVideoUrl(task.resultUrls[0])) return <VideoResult task={task} />;
  return <ImageResults task={task} />;
}

function ImageResults({ task }: { task: Task }) {
  const { t, lang } = useI18n();
  const names = useNames();
  const [zoom, setZoom] = useState<number | null>(null);
  const def = names.typeDef(task.type);
  const slots = def?.inputs ?? [];
  const images: LightboxImage[] = task.resultUrls.map((url, i) => ({
    url,
    label: task.resultUrls.length > 1 ? t('task.resultN', { n: i + 1 }) : t('task.after'),
    fileName: resultNameOf(task, i, `${i + 1}.png`),
  }));
  const inputs = slots
    .map((slot) => ({ label: localized(slot.label, lang), urls: task.inputUrls[slot.name] ?? [] }))
    .filter((i) => i.urls.length);
  const expected = def?.outputs ?? 0;
  const working = task.status === 'queued' || task.status === 'processing';

  if (!images.length && !(working && expected > 1)) return null;
  const single = images.length === 1 && slots.length <= 1;
  // A before/after pair opens at the result; ← goes to the original.
  const viewed: LightboxImage[] = single ? [{ url: task.inputUrl, label: t('task.before') }, ...images] : images;
  return (
    <section className="card" data-testid="results" data-outputs={expected || undefined}>
      <h2>{t('task.results')}</h2>
      {slots.length > 1 && inputs.length > 0 && (
        <ul className="inputs-strip" data-testid="task-inputs">
          {inputs.map((input) => (
            <li key={input.label}>
              <img src={input.urls[0]} alt={input.label} />
              <span className="small muted">{input.label}</span>
            </li>
          ))}
        </ul>
      )}
      {single ? (
        <>
          <BeforeAfter before={task.inputUrl} after={images[0].url} onZoom={() => setZoom(1)} />
          <p className="row spread small">
            <span className="muted" data-testid="result-name">
              {images[0].fileName}
            </span>
            <button
              type="button"
              className="secondary small"
              data-testid="result-download"
              onClick={() => void downloadUrl(images[0].url, images[0].fileName!)}
            >
              {t('task.download')}
            </button>
          </p>
        </>
      ) : !images.length ? (
        <>
          <p className="small muted">{t('task.expecting', { n: expected })}</p>
          <ul className={expected > 1 ? 'gallery poses' : 'gallery single'}>
            {Array.from({ length: expected }, (_, i) => (
              <li key={i}>
                <span className="thumb thumb-empty" data-testid="result-pending" />
              </li>
            ))}
          </ul>
        </>
      ) : (
        <ul className={images.length > 1 ? 'gallery poses' : 'gallery single'}>
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
                  data-testid="result-download"
                  title={img.fileName}
                  onClick={() => void downloadUrl(img.url, img.fileName!)}
                >
                  {t('task.download')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {zoom !== null && <Lightbox images={viewed} index={zoom} onIndex={setZoom} onClose={() => setZoom(null)} />}
    </section>
  );
}
