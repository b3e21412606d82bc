import { clampPan, MAX_ZOOM, nextSplit, SPLIT_BIG_STEP, SPLIT_STEP, zoomTo } from '../lib/compare';

describe('nextSplit', () => {
  it('moves the divider by a step with the arrows, a big step with Shift or Page keys, to the ends with Home/End', () => {
    expect(nextSplit(50, 'ArrowRight')).toBe(50 + SPLIT_STEP);
    expect(nextSplit(50, 'ArrowLeft')).toBe(50 - SPLIT_STEP);
    expect(nextSplit(50, 'ArrowUp')).toBe(55);
    expect(nextSplit(50, 'ArrowDown')).toBe(45);
    expect(nextSplit(50, 'ArrowRight', true)).toBe(50 + SPLIT_BIG_STEP);
    expect(nextSplit(50, 'PageDown')).toBe(30);
    expect(nextSplit(50, 'PageUp')).toBe(70);
    expect(nextSplit(37, 'Home')).toBe(0);
    expect(nextSplit(37, 'End')).toBe(100);
  });

  it('stays between 0 and 100 and ignores other keys', () => {
    expect(nextSplit(98, 'ArrowRight')).toBe(100);
    expect(nextSplit(2, 'ArrowLeft', true)).toBe(0);
    expect(nextSplit(50, 'Enter')).toBeNull();
    expect(nextSplit(50, 'a')).toBeNull();
  });
});

describe('zoom and pan', () => {
  const frame = { width: 400, height: 300 };

  it('holds the zoom between 100 % and the maximum', () => {
    expect(zoomTo({ zoom: 1, x: 0, y: 0 }, 1.5, frame)).toEqual({ zoom: 1.5, x: 0, y: 0 });
    expect(zoomTo({ zoom: 3, x: 0, y: 0 }, 10, frame).zoom).toBe(MAX_ZOOM);
    expect(zoomTo({ zoom: 1.5, x: 0, y: 0 }, 0.2, frame).zoom).toBe(1);
  });

  it('keeps the zoomed picture covering the frame, and drops the offset back at 100 %', () => {
    // At 2× the picture is 800×600: it may move 200 px sideways and 150 px up or down.
    expect(clampPan({ zoom: 2, x: 500, y: -500 }, frame)).toEqual({ zoom: 2, x: 200, y: -150 });
    expect(clampPan({ zoom: 2, x: 30, y: 40 }, frame)).toEqual({ zoom: 2, x: 30, y: 40 });
    expect(clampPan({ zoom: 1, x: 30, y: 40 }, frame)).toEqual({ zoom: 1, x: 0, y: 0 });
    expect(zoomTo({ zoom: 2, x: 100, y: 50 }, 1, frame)).toEqual({ zoom: 1, x: 0, y: 0 });
  });

  it('scales the offset with the zoom, so the centred point stays centred', () => {
    expect(zoomTo({ zoom: 2, x: 100, y: -60 }, 4, frame)).toEqual({ zoom: 4, x: 200, y: -120 });
    expect(zoomTo({ zoom: 4, x: 200, y: -120 }, 2, frame)).toEqual({ zoom: 2, x: 100, y: -60 });
  });
});
