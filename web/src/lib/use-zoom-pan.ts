import { useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import { clampPan, ZOOM_STEP, zoomTo, type View } from './compare';

export interface FrameBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const UNZOOMED: View = { zoom: 1, x: 0, y: 0 };

/**
 * What one pointer does in a frame while it is not panning (the compare view moves its divider).
 * `claims` takes a pointer even when zoomed (the divider's own handle); `undo` puts back what
 * `start` did when a second finger turns the gesture into a pinch.
 */
export interface SinglePointer {
  /** `frame`: the frame's box on the page. */
  start(e: PointerEvent<HTMLElement>, frame: FrameBox): void;
  move(e: PointerEvent<HTMLElement>, frame: FrameBox): void;
  undo(): void;
  claims?(e: PointerEvent<HTMLElement>): boolean;
}

/**
 * Zoom and pan of a picture in a frame (`stage`), shared by the before/after comparison and the
 * full-size view: `zoomBy` for buttons and keys, Ctrl + wheel (a trackpad pinch) and a two-finger
 * pinch over the frame, and dragging pans once zoomed; the arithmetic is lib/compare.ts.
 */
export function useZoomPan(single?: SinglePointer) {
  const [view, setView] = useState<View>(UNZOOMED);
  const stage = useRef<HTMLDivElement>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<{ kind: 'single' | 'pan' | 'pinch'; startDistance?: number; startZoom?: number } | null>(null);

  const frame = (): FrameBox => stage.current?.getBoundingClientRect() ?? { left: 0, top: 0, width: 1, height: 1 };
  const zoomBy = useCallback((factor: number) => {
    const r = stage.current?.getBoundingClientRect() ?? { width: 1, height: 1 };
    setView((v) => zoomTo(v, v.zoom * factor, r));
  }, []);
  const reset = useCallback(() => setView(UNZOOMED), []);

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
      if (gesture.current?.kind === 'single') single?.undo();
      const [a, b] = [...pointers.current.values()];
      gesture.current = { kind: 'pinch', startDistance: Math.hypot(a.x - b.x, a.y - b.y), startZoom: view.zoom };
      return;
    }
    if (view.zoom > 1 && !single?.claims?.(e)) {
      gesture.current = { kind: 'pan' };
    } else if (single) {
      gesture.current = { kind: 'single' };
      single.start(e, frame());
    } else {
      gesture.current = null;
    }
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const last = pointers.current.get(e.pointerId);
    if (!last) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const g = gesture.current;
    if (!g) return;
    if (g.kind === 'single') single?.move(e, frame());
    else if (g.kind === 'pan') {
      const r = frame();
      setView((v) => clampPan({ ...v, x: v.x + e.clientX - last.x, y: v.y + e.clientY - last.y }, r));
    } else if (pointers.current.size === 2 && g.startDistance && g.startZoom) {
      const [a, b] = [...pointers.current.values()];
      const { startZoom, startDistance } = g;
      const r = frame();
      setView((v) => zoomTo(v, (startZoom * Math.hypot(a.x - b.x, a.y - b.y)) / startDistance, r));
    }
  };

  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId);
    if (!pointers.current.size) gesture.current = null;
  };

  return {
    view,
    stage,
    zoomBy,
    reset,
    /** The CSS transform of the zoomed picture (scaled around its centre). */
    transform: `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`,
    handlers: { onPointerDown, onPointerMove, onPointerUp, onPointerCancel: onPointerUp },
  };
}
