import { setTimeout as pause } from 'node:timers/promises';

export interface WaitForOptions {
  /**
   * When to give up. A bound, not a measurement: the default 10 s is generous because CI shares
   * two cores with MariaDB, Redis and n8n. Keep it below the test's own Jest timeout.
   */
  timeoutMs?: number;
  /** What is awaited, for the error message ("the webhook delivery"). */
  what?: string;
}

/**
 * The one way a test waits for an effect it cannot await directly (a background loop, another
 * process, a socket message): probe until `until(value)` holds and return that value; without
 * `until` (options may come second), until the value is truthy. Never a fixed sleep. The pause between probes grows from
 * 25 ms to 500 ms, so a quick effect is seen at once and a slow one on a loaded machine does
 * not flood the server (HTTP probes stay well under the API rate limit). A probe that throws
 * fails the wait at once; catch inside the probe what is expected to fail for a while.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  until?: ((value: T) => boolean) | WaitForOptions,
  options: WaitForOptions = {},
): Promise<T> {
  const accept = typeof until === 'function' ? until : Boolean;
  const { timeoutMs = 10_000, what = 'the condition' } = typeof until === 'object' ? until : options;
  const started = Date.now();
  let pauseMs = 25;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what} not met within ${timeoutMs} ms; last value: ${describe(value)}`);
    }
    await pause(pauseMs);
    pauseMs = Math.min(500, Math.round(pauseMs * 1.5));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value); // circular or BigInt: still say something
  }
}
