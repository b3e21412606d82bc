import { once } from 'node:events';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureN8nInstalled, formatProgress, runtimeManifest, InstallProgress } from '../src/runtime/install-n8n';
import { LockCompromisedError, withFileLock } from '../src/runtime/file-lock';

/**
 * A stand-in `npm` first on PATH: it records each call and, for `install`, lays out the one file
 * ensureN8nInstalled checks. The real install (~5 min) runs in the e2e test on a fresh machine.
 */
async function fakeNpm(dir: string): Promise<{ calls: () => Promise<string[]> }> {
  const bin = path.join(dir, 'bin');
  await fs.mkdir(bin, { recursive: true });
  const callsFile = path.join(dir, 'calls.txt');
  await fs.writeFile(
    path.join(bin, 'npm'),
    [
      '#!/bin/sh',
      `echo "$PWD $*" >> "${callsFile}"`,
      'sleep 0.3',
      'if [ "$1" = install ]; then mkdir -p node_modules/n8n/bin && touch node_modules/n8n/bin/n8n; fi',
      'exit 0',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return {
    calls: async () => (await fs.readFile(callsFile, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean),
  };
}

describe('ensureN8nInstalled', () => {
  let tmp: string;
  const originalPath = process.env.PATH;

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'aiphoto-install-'));
  });
  afterEach(async () => {
    process.env.PATH = originalPath;
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('installs once with the overrides, rebuilds only sqlite3 and writes the marker', async () => {
    const npm = await fakeNpm(tmp);
    process.env.PATH = `${path.join(tmp, 'bin')}${path.delimiter}${originalPath}`;
    const progress: InstallProgress[] = [];
    const result = await ensureN8nInstalled({
      version: '9.9.9',
      cacheDir: path.join(tmp, 'cache'),
      onProgress: (p) => progress.push(p),
      heartbeatMs: 100,
    });

    expect(result).toMatchObject({ version: '9.9.9', reused: false, dir: path.join(tmp, 'cache', 'n8n-9.9.9') });
    expect(JSON.parse(await fs.readFile(path.join(result.dir, 'package.json'), 'utf8'))).toEqual(
      runtimeManifest('9.9.9'),
    );
    expect((await npm.calls()).map((line) => line.split(' ').slice(1).join(' '))).toEqual([
      'install --ignore-scripts --no-audit --no-fund',
      'rebuild sqlite3',
    ]);
    expect(existsSync(path.join(result.dir, '.installed'))).toBe(true);
    expect(progress.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['manifest', 'npm-install', 'rebuild-sqlite3', 'done']),
    );
    expect(progress.some((p) => /still running/.test(p.message))).toBe(true);
  });

  it('lets two concurrent callers share one install (the second waits, then reuses it)', async () => {
    const npm = await fakeNpm(tmp);
    process.env.PATH = `${path.join(tmp, 'bin')}${path.delimiter}${originalPath}`;
    const cacheDir = path.join(tmp, 'cache');
    const waits: string[] = [];
    // Either caller may take the lock first; whichever comes second reports that it waits.
    const onProgress = (p: { phase: string; message: string }) =>
      p.phase === 'waiting-for-lock' && waits.push(p.message);
    const [a, b] = await Promise.all([
      ensureN8nInstalled({ version: '9.9.9', cacheDir, onProgress }),
      ensureN8nInstalled({ version: '9.9.9', cacheDir, onProgress }),
    ]);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect((await npm.calls()).filter((line) => line.includes(' install '))).toHaveLength(1);
    expect(waits.length).toBeGreaterThan(0);
    expect(existsSync(`${a.dir}.install-lock`)).toBe(false);
  });

  it('reuses an existing install without running npm', async () => {
    const dir = path.join(tmp, 'cache', 'n8n-9.9.9');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, '.installed'), 'ok\n');
    process.env.PATH = path.join(tmp, 'no-npm-here');
    await expect(ensureN8nInstalled({ version: '9.9.9', cacheDir: path.join(tmp, 'cache') })).resolves.toMatchObject({
      reused: true,
    });
  });

  it('formats progress with elapsed minutes and the phase', () => {
    expect(formatProgress({ phase: 'npm-install', elapsedMs: 125_400, message: 'still running' })).toBe(
      '[n8n 2:05] npm-install: still running',
    );
  });
});

describe('withFileLock', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'aiphoto-lock-'));
  });
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  it('runs holders one after the other', async () => {
    const lock = path.join(tmp, 'x.lock');
    const events: string[] = [];
    const holder = (name: string) =>
      withFileLock(
        lock,
        async () => {
          events.push(`${name} in`);
          // Holding the lock for a while is the subject: the other holder must wait it out.
          await sleep(50);
          events.push(`${name} out`);
        },
        { pollMs: 10 },
      );
    await Promise.all([holder('a'), holder('b')]);
    // Either may win the lock first; what matters is that one leaves before the other enters.
    const [first, second] = events[0] === 'a in' ? ['a', 'b'] : ['b', 'a'];
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
  });

  it('waits for a fresh lock held elsewhere and gives up at its bound', async () => {
    const lock = path.join(tmp, 'x.lock');
    await fs.mkdir(lock); // what another process holding the lock leaves on disk
    let waits = 0;
    await expect(
      withFileLock(lock, async () => 'ran', { pollMs: 10, timeoutMs: 200, onWait: () => waits++ }),
    ).rejects.toThrow(/Timed out waiting for lock/);
    expect(waits).toBeGreaterThan(0);
  });

  it('takes over a lock its holder stopped refreshing (crashed or killed)', async () => {
    const lock = path.join(tmp, 'x.lock');
    await fs.mkdir(lock);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await fs.utimes(lock, aMinuteAgo, aMinuteAgo);
    await expect(withFileLock(lock, async () => 'ran', { pollMs: 10, timeoutMs: 1000 })).resolves.toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });

  it('tells the holder when the lock is taken from it and rejects', async () => {
    const lock = path.join(tmp, 'x.lock');
    const run = withFileLock(
      lock,
      async (lost) => {
        await fs.rm(lock, { recursive: true }); // another process removed it
        await once(lost, 'abort'); // noticed at the holder's next refresh
        return 'finished';
      },
      { staleMs: 2000 },
    );
    await expect(run).rejects.toBeInstanceOf(LockCompromisedError);
  });

  it('releases the lock when the holder throws', async () => {
    const lock = path.join(tmp, 'x.lock');
    await expect(withFileLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });
});
