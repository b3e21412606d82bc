import { useCallback, useEffect, useRef, useState } from 'react';
import { ZOOM_STEP } from '../lib/compare';
import { downloadUrl, fileNameOf } from '../lib/download';
import { useI18n } from '../lib/i18n';
import { useZoomPan } from '../lib/use-zoom-pan';
import { ZoomControls } from './ZoomControls';

export interface LightboxImage {
  url: string;
  label: string;
  /** The name to save it under (`白T恤_main.jpg`). */
  fileName?: string;
}

/**
 * Full-size view with previous/next (arrow keys), download, and Escape to close. It zooms as the
 * compare view does (the same buttons, Ctrl + wheel, a two-finger pinch, + − 0 keys; dragging
 * pans once zoomed); another picture starts at 100 %. While open the
 * focus stays inside (Tab and Shift+Tab go round its buttons); closing gives it back to what had
 * it before, e.g. the button that opened the view.
 */
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
  const dialog = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const { view, stage, zoomBy, reset, transform, handlers } = useZoomPan();
  // Another picture starts at 100 %, in the same render that shows it.
  const go = useCallback(
    (i: number) => {
      reset();
      onIndex(i);
    },
    [reset, onIndex],
  );

  // Focus moves in when the view opens and goes back where it was when it closes.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => opener?.focus();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      if (e.key === 'ArrowRight') go((index + 1) % images.length);
      if (e.key === 'ArrowLeft') go((index - 1 + images.length) % images.length);
      if (e.key === '+' || e.key === '=') zoomBy(ZOOM_STEP);
      if (e.key === '-') zoomBy(1 / ZOOM_STEP);
      if (e.key === '0') reset();
      if (e.key === 'Tab' && dialog.current) {
        const stops = [...dialog.current.querySelectorAll<HTMLElement>('button:not([disabled])')];
        if (!stops.length) return;
        const at = stops.indexOf(document.activeElement as HTMLElement);
        const next = e.shiftKey ? (at <= 0 ? stops.length - 1 : at - 1) : at === stops.length - 1 ? 0 : at + 1;
        e.preventDefault();
        stops[next].focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, images.length, go, onClose, zoomBy, reset]);
  if (!image) return null;
  return (
    <div
      ref={dialog}
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={image.label}
      onClick={onClose}
      data-testid="lightbox"
    >
      <figure onClick={(e) => e.stopPropagation()}>
        <div
          ref={stage}
          className={view.zoom > 1 ? 'zoom-stage zoomed' : 'zoom-stage'}
          data-testid="lightbox-stage"
          data-zoom={view.zoom}
          {...handlers}
        >
          <img src={image.url} alt={image.label} style={{ transform }} draggable={false} />
        </div>
        <figcaption className="row spread">
          <span data-testid="lightbox-label">
            {image.label} · {index + 1}/{images.length}
          </span>
          <span className="row wrap">
            <ZoomControls zoom={view.zoom} zoomBy={zoomBy} reset={reset} />
            {images.length > 1 && (
              <button
                type="button"
                className="secondary"
                onClick={() => go((index - 1 + images.length) % images.length)}
                aria-label={t('lightbox.previous')}
                title={t('lightbox.previous')}
              >
                ‹
              </button>
            )}
            {images.length > 1 && (
              <button
                type="button"
                className="secondary"
                onClick={() => go((index + 1) % images.length)}
                aria-label={t('lightbox.next')}
                title={t('lightbox.next')}
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
            <button type="button" className="primary" onClick={onClose} ref={closeButton}>
              {t('common.close')}
            </button>
          </span>
        </figcaption>
        {error && <p className="error small">{error}</p>}
      </figure>
    </div>
  );
}
