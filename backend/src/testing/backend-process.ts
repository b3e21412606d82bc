import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Test-only preload: signals make the process fail in the ways its guards must handle. */
export const FAULT_PROBE = path.join(__dirname, 'fault-probe.ts');

export interface BackendProcess {
  child: ChildProcess;
  url: string;
  /** Its DATA_DIR (the SQLite file is `aiphoto.sqlite` in it). */
  dataDir: string;
  /** Every log line the process wrote (pino JSON on stdout, anything else on stderr). */
  output: string[];
  /** Resolves with the exit code once the process ended (null when killed by a signal). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const backendDir = path.resolve(__dirname, '../..');

/**
 * Runs `backend/src/main.ts` as its own process (SQLite in a temporary DATA_DIR, a free port),
 * the way `npm start -w backend` does, and resolves once it logged that it listens. For tests
 * that must see the process itself survive or exit.
 */
export async function startBackendProcess(
  env: Record<string, string> = {},
  options: { preload?: string[] } = {},
): Promise<BackendProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-proc-'));
  const { INIT_CWD: _ignored, ...inherited } = process.env;
  const preload = (options.preload ?? []).flatMap((file) => ['--import', file]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, 'src/main.ts'], {
    cwd: backendDir,
    env: { ...inherited, NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        output.push(line);
        const match = /"url":"(http:[^"]+)".*"msg":"backend listening"/.exec(line);
        if (match) resolve(match[1]!);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    void exited.then((code) =>
      reject(new Error(`the backend exited (${code}) before listening:\n${output.join('\n')}`)),
    );
  });
  return {
    child,
    url,
    dataDir,
    output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
