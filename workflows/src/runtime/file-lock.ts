import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface FileLockOptions {
  /** Called about every `pollMs` while another live process holds the lock. */
  onWait?: (holderPid: number | undefined) => void;
  pollMs?: number;
  /** Give up after this long; the default waits as long as a cold n8n install can take. */
  timeoutMs?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else: still a live holder.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await fs.readFile(lockPath, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function tryAcquire(lockPath: string): Promise<boolean> {
  try {
    const handle = await fs.open(lockPath, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding our pid).
 * A lock left behind by a crashed process (its pid no longer alive) is taken over, so a
 * killed install never blocks the next one forever.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const pollMs = options.pollMs ?? 1000;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    if (await tryAcquire(lockPath)) break;
    const holder = await readHolder(lockPath);
    // An empty file is a holder between open and write: treat it as alive for one more poll.
    // Accepted race: two waiters both clearing the same crashed holder could end up both
    // inside. It needs a crash plus two concurrent waiters; npm then still serialises on its cache.
    if (holder !== undefined && holder !== process.pid && !isAlive(holder)) {
      await fs.rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for lock ${lockPath} (held by pid ${holder ?? '?'})`);
    options.onWait?.(holder);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}
