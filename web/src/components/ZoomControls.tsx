import { useI18n } from '../lib/i18n';
import { MAX_ZOOM, MIN_ZOOM, ZOOM_STEP } from '../lib/compare';

/** −, the zoom level, + and Reset: the zoom buttons of the compare view and the full-size view. */
export function ZoomControls({
  zoom,
  zoomBy,
  reset,
}: {
  zoom: number;
  zoomBy: (factor: number) => void;
  reset: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={() => zoomBy(1 / ZOOM_STEP)}
        disabled={zoom <= MIN_ZOOM}
        aria-label={t('compare.zoomOut')}
        title={t('compare.zoomOut')}
        data-testid="zoom-out"
      >
        −
      </button>
      <span className="small" data-testid="zoom-level" aria-live="polite">
        {t('compare.zoomLevel', { p: Math.round(zoom * 100) })}
      </span>
      <button
        type="button"
        className="secondary"
        onClick={() => zoomBy(ZOOM_STEP)}
        disabled={zoom >= MAX_ZOOM}
        aria-label={t('compare.zoomIn')}
        title={t('compare.zoomIn')}
        data-testid="zoom-in"
      >
        +
      </button>
      <button type="button" className="secondary" onClick={reset} disabled={zoom === 1} data-testid="zoom-reset">
        {t('compare.zoomReset')}
      </button>
    </>
  );
}
