/**
 * The vendor sandbox and the bench's backends run in processes of their own (never on each
 * other's event loop), and do not outlive whoever launched them, even when the launcher is killed
 * without cleaning up.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBackendProcess } from '../backend-process';
import { startSandboxProcess, type SandboxProcess } from '../sandbox-process';
import { waitFor } from '../../jest/wait-for';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('sandbox process', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-sandbox-process-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the vendor paths from its own process, writes its keys and log, and stops', async () => {
    let sandbox: SandboxProcess | undefined;
    try {
      sandbox = await startSandboxProcess({
        env: { ...process.env, NODE_ENV: 'test' },
        dataDir,
        port: 0,
        cos: { secretId: 'AKIDtest', secretKey: 'test-secret', bucket: 'aiphoto-1250000000' },
        runningHubKey: 'test-key',
        timing: { queueMs: 0, runMs: 0 },
        ciMode: 'precomputed',
      });
      expect(sandbox.pid).not.toBe(process.pid);
      const health = (await (await fetch(`${sandbox.url}/sandbox/health`)).json()) as { publicUrl: string };
      expect(health.publicUrl).toBe(sandbox.url);
      // The backend reads the payment keys the sandbox process wrote into the shared data folder.
      expect(JSON.parse(readFileSync(path.join(dataDir, 'sandbox-keys.json'), 'utf8'))).toHaveProperty('mchid');
      expect(readFileSync(sandbox.logFile, 'utf8')).toContain('CI: precomputed');
      const pid = sandbox.pid;
      await sandbox.close();
      sandbox = undefined;
      expect(alive(pid)).toBe(false);
    } finally {
      await sandbox?.close();
    }
  }, 60_000);

  it('exits by itself when its launcher is killed', async () => {
    const launcher = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'fixtures/launch-sandbox.ts'), dataDir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const started = await new Promise<{ pid: number; url: string }>((resolve, reject) => {
      let out = '';
      launcher.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]) as { pid: number; url: string });
      });
      launcher.once('exit', (code) => reject(new Error(`launcher exited with ${code}`)));
    });
    try {
      expect((await fetch(`${started.url}/sandbox/health`)).status).toBe(200);
      launcher.kill('SIGKILL');
      await waitFor(() => !alive(started.pid), { timeoutMs: 30_000, what: 'the orphaned sandbox to exit' });
    } finally {
      if (alive(started.pid)) process.kill(started.pid, 'SIGKILL');
      launcher.kill('SIGKILL');
    }
  }, 60_000);

  it('runs a backend from its environment alone, in its own process', async () => {
    const backend = await startBackendProcess({
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' },
    });
    try {
      expect(backend.pid).not.toBe(process.pid);
      expect(backend.config.database).toEqual({ type: 'sqlite', file: path.join(dataDir, 'aiphoto.sqlite') });
      const ready = (await (await fetch(`${backend.url}/ready`)).json()) as { checks: Record<string, unknown> };
      expect(ready.checks).toHaveProperty('database');
      expect(readFileSync(backend.logFile, 'utf8')).toContain('backend listening');
    } finally {
      await backend.close();
    }
    expect(alive(backend.pid)).toBe(false);
  }, 60_000);
});
