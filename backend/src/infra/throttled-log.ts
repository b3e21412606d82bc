/**
 * Calls `write` for the first event and then at most once per `intervalMs`, passing how many
 * events were dropped since the last write: a dependency that fails in a tight loop (a Redis
 * client reconnecting every few milliseconds) stays visible without flooding the logs.
 */
export function throttled<T>(
  write: (event: T, suppressed: number) => void,
  intervalMs: number,
  now: () => number = Date.now,
): (event: T) => void {
  let lastWrite = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (event) => {
    const t = now();
    if (t - lastWrite < intervalMs) {
      suppressed++;
      return;
    }
    write(event, suppressed);
    lastWrite = t;
    suppressed = 0;
  };
}
