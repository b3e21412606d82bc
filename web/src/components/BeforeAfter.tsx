import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useI18n } from '../lib/i18n';
import { clampPan, MAX_ZOOM, MIN_ZOOM, nextSplit, ZOOM_STEP, zoomTo, type View } from '../lib/compare';

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
  const [view, setView] = useState<View>({ zoom: 1, x: 0, y: 0 });
  const stage = useRef<HTMLDivElement>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<{ kind: 'split' | 'pan' | 'pinch'; startDistance?: number; startZoom?: number } | null>(null);
  // Where the divider was when the first finger came down: a pinch puts it back there.
  const splitBefore = useRef(split);

  const size = () => stage.current?.getBoundingClientRect() ?? { left: 0, top: 0, width: 1, height: 1 };
  const splitAt = (clientX: number) => {
    const r = size();
    setSplit(Math.round(Math.min(100, Math.max(0, ((clientX - r.left) / r.width) * 100))));
  };
  const zoomBy = useCallback((factor: number) => {
    const r = stage.current?.getBoundingClientRect();
    setView((v) => zoomTo(v, v.zoom * factor, r ? { width: r.width, height: r.height } : { width: 1, height: 1 }));
  }, []);

  // Ctrl + wheel (and a trackpad pinch, which the browser reports as one) zooms; a plain wheel
  // scrolls the page. React's wheel listener is passive, so preventDefault needs our own.
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      zoomBy(e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoomBy]);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    e.currentTarget.setPointerCapture?.(e.pointerId);
    if (pointers.current.size === 2) {
      if (gesture.current?.kind === 'split') setSplit(splitBefore.current);
      const [a, b] = [...pointers.current.values()];
      gesture.current = { kind: 'pinch', startDistance: Math.hypot(a.x - b.x, a.y - b.y), startZoom: view.zoom };
      return;
    }
    const onHandle = (e.target as HTMLElement).closest('[role=slider]') !== null;
    if (view.zoom > 1 && !onHandle) {
      gesture.current = { kind: 'pan' };
    } else {
      gesture.current = { kind: 'split' };
      splitBefore.current = split;
      splitAt(e.clientX);
    }
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const last = pointers.current.get(e.pointerId);
    if (!last || !gesture.current) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const g = gesture.current;
    if (g.kind === 'split') splitAt(e.clientX);
    else if (g.kind === 'pan') {
      const r = size();
      setView((v) => clampPan({ ...v, x: v.x + e.clientX - last.x, y: v.y + e.clientY - last.y }, r));
    } else if (pointers.current.size === 2 && g.startDistance && g.startZoom) {
      const [a, b] = [...pointers.current.values()];
      const r = size();
      setView((v) => zoomTo(v, (g.startZoom! * Math.hypot(a.x - b.x, a.y - b.y)) / g.startDistance!, r));
    }
  };

  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId);
    if (!pointers.current.size) gesture.current = null;
  };

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
      setView({ zoom: 1, x: 0, y: 0 });
    }
  };

  const transform = `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`;
  return (
    <div className="before-after" data-testid="before-after" data-split={split} data-zoom={view.zoom}>
      <div
        ref={stage}
        className={view.zoom > 1 ? 'compare-stage zoomed' : 'compare-stage'}
        data-testid="compare-stage"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
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
          <button
            type="button"
            className="secondary"
            onClick={() => zoomBy(1 / ZOOM_STEP)}
            disabled={view.zoom <= MIN_ZOOM}
            aria-label={t('compare.zoomOut')}
            title={t('compare.zoomOut')}
            data-testid="zoom-out"
          >
            −
          </button>
          <span className="small" data-testid="zoom-level" aria-live="polite">
            {t('compare.zoomLevel', { p: Math.round(view.zoom * 100) })}
          </span>
          <button
            type="button"
            className="secondary"
            onClick={() => zoomBy(ZOOM_STEP)}
            disabled={view.zoom >= MAX_ZOOM}
            aria-label={t('compare.zoomIn')}
            title={t('compare.zoomIn')}
            data-testid="zoom-in"
          >
            +
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => setView({ zoom: 1, x: 0, y: 0 })}
            disabled={view.zoom === 1}
            data-testid="zoom-reset"
          >
            {t('compare.zoomReset')}
          </button>
          <button type="button" className="secondary" onClick={onZoom} data-testid="open-full">
            {t('compare.full')}
          </button>
        </span>
      </div>
    </div>
  );
}
