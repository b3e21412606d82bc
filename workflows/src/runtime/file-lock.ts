import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';

export interface FileLockOptions {
  /** Called about every `pollMs` while another process holds the lock. */
  onWait?: () => void;
  pollMs?: number;
  /** Give up after this long; the default waits as long as a cold n8n install can take. */
  timeoutMs?: number;
  /**
   * A lock whose holder has not refreshed it for this long is taken over (the holder crashed or
   * was killed). The holder refreshes every `staleMs / 2`, from its own timer.
   */
  staleMs?: number;
}

/** The lock was taken over by another process while `fn` ran (its refresh failed past `staleMs`). */
export class LockCompromisedError extends Error {
  constructor(lockPath: string, cause: unknown) {
    super(`lost the lock ${lockPath} while holding it: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'LockCompromisedError';
  }
}

/**
 * Runs `fn` while holding an exclusive lock at `lockPath`, taken with proper-lockfile: an atomic
 * `mkdir` of that directory, kept fresh by the holder's mtime updates. A lock nobody refreshes
 * for `staleMs` (a crashed or killed holder) is taken over, so a killed install never blocks the
 * next one; a live holder on a busy machine is never mistaken for a dead one, and no pid is read.
 * If the holder loses the lock anyway (its refreshes failed for longer than `staleMs`), `signal`
 * is aborted and the call rejects with `LockCompromisedError` after `fn` settles.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const pollMs = options.pollMs ?? 1000;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  const lost = new AbortController();
  let release: (() => Promise<void>) | undefined;
  for (;;) {
    try {
      release = await lock(lockPath, {
        // The lock directory itself is the thing locked: nothing else has to exist beforehand.
        lockfilePath: lockPath,
        realpath: false,
        stale: options.staleMs ?? 30_000,
        onCompromised: (error) => lost.abort(new LockCompromisedError(lockPath, error)),
      });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for lock ${lockPath}`);
      options.onWait?.();
      await sleep(pollMs);
    }
  }
  let result: T;
  try {
    result = await fn(lost.signal);
  } finally {
    // A compromised lock is no longer ours to remove.
    if (!lost.signal.aborted) await release();
  }
  if (lost.signal.aborted) throw lost.signal.reason;
  return result;
}
