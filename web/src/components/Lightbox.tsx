import { useEffect, useState } from 'react';
import { downloadUrl, fileNameOf } from '../lib/download';
import { useI18n } from '../lib/i18n';

export interface LightboxImage {
  url: string;
  label: string;
  /** The name to save it under (`白T恤_main.jpg`). */
  fileName?: string;
}

/** Full-size view with previous/next (arrow keys), download, and Escape to close. */
export function Lightbox({
  images,
  index,
  onIndex,
  onClose,
}: {
  images: LightboxImage[];
  index: number;
  onIndex: (i: number) => void;
  onClose: () => void;
}) {
  const { t, errorText } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const image = images[index];
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      if (e.key === 'ArrowRight') onIndex((index + 1) % images.length);
      if (e.key === 'ArrowLeft') onIndex((index - 1 + images.length) % images.length);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, images.length, onIndex, onClose]);
  if (!image) return null;
  return (
    <div
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={image.label}
      onClick={onClose}
      data-testid="lightbox"
    >
      <figure onClick={(e) => e.stopPropagation()}>
        <img src={image.url} alt={image.label} />
        <figcaption className="row spread">
          <span>
            {image.label} · {index + 1}/{images.length}
          </span>
          <span className="row">
            {images.length > 1 && (
              <button
                type="button"
                className="secondary"
                onClick={() => onIndex((index - 1 + images.length) % images.length)}
                aria-label="previous"
              >
                ‹
              </button>
            )}
            {images.length > 1 && (
              <button
                type="button"
                className="secondary"
                onClick={() => onIndex((index + 1) % images.length)}
                aria-label="next"
              >
                ›
              </button>
            )}
            <button
              type="button"
              className="secondary"
              onClick={() =>
                downloadUrl(image.url, image.fileName ?? fileNameOf(image.url, 'image.jpg')).catch((err: unknown) =>
                  setError(errorText(err)),
                )
              }
            >
              {t('task.download')}
            </button>
            <button type="button" className="primary" onClick={onClose}>
              {t('common.close')}
            </button>
          </span>
        </figcaption>
        {error && <p className="error small">{error}</p>}
      </figure>
    </div>
  );
}
