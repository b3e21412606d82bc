import type { DailyPoint } from '../api';
import { yuan } from '../format';
import { useI18n } from '../lib/i18n';
import { dailyBars } from './chart';

// Wide viewBox: the console shows the chart across a wide card.
const W = 900;
const H = 180;
const PAD = 24;

/** Tasks per day (failed in red) with paid revenue in the tooltip; plain SVG, no chart library. */
export function DailyChart({ daily }: { daily: DailyPoint[] }) {
  const { t } = useI18n();
  const { bars, max } = dailyBars(daily, W, H);
  const every = Math.ceil(bars.length / 7); // at most ~7 date labels so they never overlap
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${W} ${H + PAD}`}
      role="img"
      aria-label={t('dashboard.chartLabel')}
      data-testid="daily-chart"
    >
      <line x1={0} x2={W} y1={H} y2={H} stroke="#d1d5db" />
      <text x={2} y={10} className="chart-axis">
        {max}
      </text>
      {bars.map((b, i) => (
        <g key={b.point.day}>
          <title>
            {t('dashboard.chartTip', {
              day: b.point.day,
              tasks: b.point.tasks,
              failed: b.point.failed,
              orders: b.point.paidOrders,
              revenue: yuan(b.point.revenueFen),
            })}
          </title>
          <rect x={b.x} y={b.y} width={b.width} height={b.height} fill="#2563eb" rx={2} />
          <rect x={b.x} y={H - b.failedHeight} width={b.width} height={b.failedHeight} fill="#dc2626" rx={2} />
          {i % every === 0 && (
            <text x={b.x + b.width / 2} y={H + 16} textAnchor="middle" className="chart-axis">
              {b.label}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
