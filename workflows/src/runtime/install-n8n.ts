import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { withFileLock } from './file-lock';
import { N8N_VERSION, cacheRoot, n8nBinPath, n8nInstallDir } from './paths';

export type InstallPhase = 'waiting-for-lock' | 'manifest' | 'npm-install' | 'rebuild-sqlite3' | 'done';

export interface InstallProgress {
  phase: InstallPhase;
  /** Milliseconds since `ensureN8nInstalled` was called. */
  elapsedMs: number;
  message: string;
}

export interface EnsureN8nOptions {
  version?: string;
  /** Defaults to `${AIPHOTO_CACHE_DIR:-~/.cache/aiphoto}`. */
  cacheDir?: string;
  onProgress?: (progress: InstallProgress) => void;
  /** How often a long phase reports that it is still running. */
  heartbeatMs?: number;
}

export interface N8nInstallation {
  version: string;
  dir: string;
  /** `node_modules/n8n/bin/n8n`, to run with `process.execPath`. */
  binPath: string;
  /** False when this call did the install. */
  reused: boolean;
}

/**
 * The manifest of the cache folder. The overrides are what makes n8n installable from the
 * npm registry alone (see docs/vendor-facts.md): `linkedom@0.18.15` needs the missing `cssomnom`, and
 * n8n-nodes-base pins `xlsx` to a tarball on a CDN outside the registry.
 */
export function runtimeManifest(version: string): Record<string, unknown> {
  return {
    name: 'aiphoto-n8n-runtime',
    private: true,
    dependencies: { n8n: version },
    overrides: { linkedom: '0.18.12', xlsx: '0.18.5' },
  };
}

export function formatProgress(progress: InstallProgress): string {
  const seconds = Math.round(progress.elapsedMs / 1000);
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return `[n8n ${clock}] ${progress.phase}: ${progress.message}`;
}

const MARKER = '.installed';

/**
 * Installs the pinned n8n once into `<cacheDir>/n8n-<version>/` and returns where it is.
 * Safe to call from several processes at once: the first takes `<dir>.install-lock` (file-lock.ts),
 * the others wait and then find the `.installed` marker. A half-finished install (no marker) is
 * resumed: `npm install` is incremental.
 */
export async function ensureN8nInstalled(options: EnsureN8nOptions = {}): Promise<N8nInstallation> {
  const version = options.version ?? N8N_VERSION;
  const dir = n8nInstallDir(version, options.cacheDir ?? cacheRoot());
  const started = Date.now();
  const report = (phase: InstallPhase, message: string): void =>
    options.onProgress?.({ phase, elapsedMs: Date.now() - started, message });
  const result = (reused: boolean): N8nInstallation => ({ version, dir, binPath: n8nBinPath(dir), reused });

  if (existsSync(path.join(dir, MARKER))) return result(true);

  return withFileLock(
    `${dir}.install-lock`,
    async (lost) => {
      // Someone else may have finished while we waited for the lock.
      if (existsSync(path.join(dir, MARKER))) return result(true);
      await fs.mkdir(dir, { recursive: true });
      report('manifest', `installing n8n ${version} into ${dir} (first run only, ~5 min)`);
      await fs.writeFile(path.join(dir, 'package.json'), `${JSON.stringify(runtimeManifest(version), null, 2)}\n`);
      // Losing the lock (see withFileLock) stops npm: two installs must never share the folder.
      const heartbeat = { everyMs: options.heartbeatMs ?? 15_000, report, signal: lost };
      await runLogged(
        'npm-install',
        ['install', '--ignore-scripts', '--no-audit', '--no-fund'],
        dir,
        'install.log',
        heartbeat,
      );
      // Only n8n's SQLite driver needs a native build; every other install script stays off.
      await runLogged('rebuild-sqlite3', ['rebuild', 'sqlite3'], dir, 'rebuild.log', heartbeat);
      if (!existsSync(n8nBinPath(dir))) throw new Error(`n8n install finished but ${n8nBinPath(dir)} is missing`);
      await fs.writeFile(path.join(dir, MARKER), 'ok\n');
      report('done', `n8n ${version} installed`);
      return result(false);
    },
    {
      onWait: throttle(options.heartbeatMs ?? 15_000, () =>
        report('waiting-for-lock', `another process is installing n8n ${version}`),
      ),
      pollMs: 2000,
    },
  );
}

/** Calls `fn` at most once per `everyMs` (the first call always goes through). */
function throttle<A extends unknown[]>(everyMs: number, fn: (...args: A) => void): (...args: A) => void {
  let last = -Infinity;
  return (...args: A) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    fn(...args);
  };
}

interface Heartbeat {
  everyMs: number;
  report: (phase: InstallPhase, message: string) => void;
  /** Aborting kills npm. */
  signal: AbortSignal;
}

/** Runs npm in `cwd`, output appended to a log file there, with a "still running" heartbeat. */
async function runLogged(
  phase: InstallPhase,
  args: string[],
  cwd: string,
  logName: string,
  heartbeat: Heartbeat,
): Promise<void> {
  const logPath = path.join(cwd, logName);
  const log = createWriteStream(logPath, { flags: 'a' });
  heartbeat.report(phase, `npm ${args.join(' ')} (log: ${logPath})`);
  const phaseStarted = Date.now();
  const timer = setInterval(
    () => heartbeat.report(phase, `still running (${Math.round((Date.now() - phaseStarted) / 1000)} s in this phase)`),
    heartbeat.everyMs,
  );
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      // npm_config_* from an outer `npm run` (workspace, prefix) must not leak into this install.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
      );
      const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal: heartbeat.signal });
      child.stdout.pipe(log, { end: false });
      child.stderr.pipe(log, { end: false });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`npm ${args.join(' ')} failed with exit code ${code}; see ${logPath}`);
  } finally {
    clearInterval(timer);
    await new Promise((resolve) => log.end(resolve));
  }
}
