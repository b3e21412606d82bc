import type { DailyPoint } from '../api';

export interface Bar {
  x: number;
  width: number;
  /** top of the whole bar (all tasks) and of its failed part */
  y: number;
  height: number;
  failedHeight: number;
  label: string;
  point: DailyPoint;
}

/** Bars for tasks per day (failed part stacked at the bottom), scaled to the busiest day. */
export function dailyBars(daily: DailyPoint[], width: number, height: number): { bars: Bar[]; max: number } {
  const max = Math.max(1, ...daily.map((d) => d.tasks));
  const slot = daily.length ? width / daily.length : width;
  const bars = daily.map((point, i) => {
    const h = (point.tasks / max) * height;
    return {
      x: i * slot + slot * 0.15,
      width: slot * 0.7,
      y: height - h,
      height: h,
      failedHeight: (point.failed / max) * height,
      label: point.day.slice(5), // MM-DD
      point,
    };
  });
  return { bars, max };
}
