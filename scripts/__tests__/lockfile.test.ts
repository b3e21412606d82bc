/**
 * The lock file must list every platform's optional binaries (e.g. @swc/core-darwin-arm64), not
 * just the ones this machine installs. Otherwise `npm install` on a fresh clone adds them (the
 * registry serves them) and rewrites the lock, and `npm ci` in CI refuses a lock that is out of
 * step with package.json. A package that declares optional dependencies must find each one in the
 * lock, at its own node_modules level or one of its ancestors'.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
  link?: boolean;
}

const lock = JSON.parse(readFileSync(path.join(__dirname, '../../package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

/** Where Node's resolution would look for `name` from the package at `at` (nested first). */
function resolvable(at: string, name: string): boolean {
  let dir = at;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return true;
    const cut = dir.lastIndexOf('/node_modules/');
    if (cut < 0) return dir !== '' ? Boolean(lock.packages[`node_modules/${name}`]) : false;
    dir = dir.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  it('is a v3 lock (npm 7+), the format npm ci reads', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it('lists every optional dependency of every locked package, for all platforms', () => {
    const missing: string[] = [];
    for (const [at, entry] of Object.entries(lock.packages)) {
      if (!at.startsWith('node_modules/') || entry.link) continue;
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolvable(at, name)) missing.push(`${at} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps @swc/core binaries for macOS, Windows and Linux', () => {
    for (const platform of ['darwin-arm64', 'darwin-x64', 'win32-x64-msvc', 'linux-x64-gnu', 'linux-arm64-gnu']) {
      expect(lock.packages[`node_modules/@swc/core-${platform}`]).toBeDefined();
    }
  });
});
