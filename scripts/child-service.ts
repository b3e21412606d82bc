/**
 * Runs one of our TypeScript services (the vendor sandbox, a backend) as a child process with
 * its own event loop: the caller picks its port and hands it its settings as environment; its
 * output goes to a log file; resolves once its health URL answers 200. The IPC channel carries no
 * messages: it closes when the launcher dies, even killed, and the child exits on `disconnect`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO_ROOT = path.resolve(__dirname, '..');

type Env = Record<string, string | undefined>;

export interface ChildServiceOptions {
  /** Used in messages. */
  name: string;
  /** The TypeScript entry file, run with tsx's loader (`node --import tsx`). */
  entry: string;
  env: Env;
  /** Answers 200 once the service is ready. */
  healthUrl: string;
  logFile: string;
  /** Extra Node options, e.g. `--cpu-prof` for a profile written at exit. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

export interface ChildService {
  pid: number;
  logFile: string;
  /** Resolves with the exit code (null after a signal) once the process is gone. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function tail(file: string, lines = 30): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

export async function startChildService(options: ChildServiceOptions): Promise<ChildService> {
  await fs.mkdir(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n--- ${options.name} start ${new Date().toISOString()} ---\n`);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.entry], {
    cwd: REPO_ROOT,
    env: options.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });

  let exited = false;
  const exitPromise = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    });
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(grace);
    }
    await new Promise((resolve) => log.end(resolve));
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (!(await answers(options.healthUrl))) {
    if (exited || Date.now() > deadline) {
      // Said before stop(): stopping makes a late child exit too, which must not read as its own exit.
      const why = exited
        ? `exited with code ${child.exitCode}`
        : `did not become ready in ${options.readyTimeoutMs ?? 60_000} ms`;
      await stop();
      throw new Error(`${options.name} ${why}; last lines of ${options.logFile}:\n${await tail(options.logFile)}`);
    }
    await sleep(100);
  }
  return { pid: child.pid as number, logFile: options.logFile, exited: exitPromise, stop };
}
