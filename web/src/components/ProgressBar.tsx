/** A determinate bar; `value` is 0–100. */
export function ProgressBar({ value, tone }: { value: number; tone?: 'ok' | 'error' }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      className={`progress ${tone ?? ''}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}
