import { useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../lib/i18n';
import { nextSplit, ZOOM_STEP } from '../lib/compare';
import { useZoomPan, type FrameBox } from '../lib/use-zoom-pan';
import { ZoomControls } from './ZoomControls';

/**
 * The original and the result in one frame, a divider between them: the original on its left,
 * the result on its right. Drag the divider (mouse, pen or finger; a tap moves it there), or
 * focus it and use ←/→ (Shift for bigger steps), Home and End. Both pictures share one zoom and
 * pan, so the same detail is compared: the buttons, Ctrl + wheel (a trackpad pinch), a two-finger
 * pinch, or + and − on the divider zoom; dragging pans once zoomed. The frame is a checkerboard
 * with a border, so a white result on a white background still shows its edges. The result is
 * re-framed to 800×800, so the two do not line up pixel for pixel; each is fitted to the frame.
 */
export function BeforeAfter({ before, after, onZoom }: { before: string; after: string; onZoom: () => void }) {
  const { t } = useI18n();
  const [split, setSplit] = useState(50);
  // Where the divider was when the first finger came down: a pinch puts it back there.
  const splitBefore = useRef(split);
  const splitAt = (clientX: number, r: FrameBox) =>
    setSplit(Math.round(Math.min(100, Math.max(0, ((clientX - r.left) / r.width) * 100))));
  // One pointer moves the divider (anywhere at 100 %, on its handle once zoomed); else it pans.
  const { view, stage, zoomBy, reset, transform, handlers } = useZoomPan({
    start: (e, frame) => {
      splitBefore.current = split;
      splitAt(e.clientX, frame);
    },
    move: (e, frame) => splitAt(e.clientX, frame),
    undo: () => setSplit(splitBefore.current),
    claims: (e) => (e.target as HTMLElement).closest('[role=slider]') !== null,
  });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = nextSplit(split, e.key, e.shiftKey);
    if (next !== null) {
      e.preventDefault();
      setSplit(next);
    } else if (e.key === '+' || e.key === '=') {
      e.preventDefault();
      zoomBy(ZOOM_STEP);
    } else if (e.key === '-') {
      e.preventDefault();
      zoomBy(1 / ZOOM_STEP);
    } else if (e.key === '0') {
      e.preventDefault();
      reset();
    }
  };

  return (
    <div className="before-after" data-testid="before-after" data-split={split} data-zoom={view.zoom}>
      <div
        ref={stage}
        className={view.zoom > 1 ? 'compare-stage zoomed' : 'compare-stage'}
        data-testid="compare-stage"
        {...handlers}
      >
        <div className="compare-layer">
          <div className="compare-pic" data-testid="compare-before" style={{ transform }}>
            <img src={before} alt={t('task.before')} draggable={false} />
          </div>
        </div>
        {/* The clip is on the layer, outside the zoom: the divider stays where it is drawn. */}
        <div className="compare-layer" style={{ clipPath: `inset(0 0 0 ${split}%)` }}>
          <div className="compare-pic" data-testid="compare-after" style={{ transform }}>
            <img src={after} alt={t('task.after')} draggable={false} data-testid="result-image" />
          </div>
        </div>
        <span className="compare-tag compare-tag-before" aria-hidden="true">
          {t('task.before')}
        </span>
        <span className="compare-tag compare-tag-after" aria-hidden="true">
          {t('task.after')}
        </span>
        <div
          className="compare-handle"
          style={{ left: `${split}%` }}
          role="slider"
          tabIndex={0}
          aria-label={t('compare.slider')}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={split}
          aria-valuetext={`${t('task.before')} ${split}% · ${t('task.after')} ${100 - split}%`}
          data-testid="compare-slider"
          onKeyDown={onKeyDown}
        >
          <span className="compare-grip" aria-hidden="true">
            ‹›
          </span>
        </div>
      </div>
      <div className="row spread wrap compare-tools">
        <span className="small muted">{t('compare.hint')}</span>
        <span className="row">
          <ZoomControls zoom={view.zoom} zoomBy={zoomBy} reset={reset} />
          <button type="button" className="secondary" onClick={onZoom} data-testid="open-full">
            {t('compare.full')}
          </button>
        </span>
      </div>
    </div>
  );
}
