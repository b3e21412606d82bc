/**
 * The arithmetic of the before/after comparison (components/BeforeAfter.tsx): where the divider
 * goes on a key press, and the zoom and pan both pictures share. Pure, so it is unit-tested.
 */

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 4;
/** One press of + or −, one wheel notch. */
export const ZOOM_STEP = 1.5;
/** Divider steps in percent: an arrow key, and Shift + arrow or Page Up/Down. */
export const SPLIT_STEP = 5;
export const SPLIT_BIG_STEP = 20;

/** The zoom factor and the offset in CSS pixels, from the centre of the frame. */
export interface View {
  zoom: number;
  x: number;
  y: number;
}

/** The divider's new position for a key, or null when the key does not move it. */
export function nextSplit(split: number, key: string, big = false): number | null {
  const step = big ? SPLIT_BIG_STEP : SPLIT_STEP;
  const moved: Record<string, number> = {
    ArrowLeft: split - step,
    ArrowDown: split - step,
    ArrowRight: split + step,
    ArrowUp: split + step,
    PageDown: split - SPLIT_BIG_STEP,
    PageUp: split + SPLIT_BIG_STEP,
    Home: 0,
    End: 100,
  };
  if (!(key in moved)) return null;
  return Math.min(100, Math.max(0, moved[key]));
}

/**
 * Keeps the zoomed picture covering the frame: with the scale applied around the centre, the
 * offset can be at most half of what the zoom added on each axis (none at 100 %).
 */
export function clampPan(view: View, frame: { width: number; height: number }): View {
  const maxX = ((view.zoom - 1) * frame.width) / 2;
  const maxY = ((view.zoom - 1) * frame.height) / 2;
  const clamp = (v: number, max: number) => (max <= 0 ? 0 : Math.min(max, Math.max(-max, v)));
  return { zoom: view.zoom, x: clamp(view.x, maxX), y: clamp(view.y, maxY) };
}

/**
 * A new zoom (held between MIN_ZOOM and MAX_ZOOM, rounded to 1 %), keeping the point at the
 * centre of the frame where it was; back at 100 % the offset is gone.
 */
export function zoomTo(view: View, zoom: number, frame: { width: number; height: number }): View {
  const next = Math.round(Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom)) * 100) / 100;
  const ratio = next / view.zoom;
  return clampPan({ zoom: next, x: view.x * ratio, y: view.y * ratio }, frame);
}
