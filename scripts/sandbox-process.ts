/**
 * The vendor sandbox in its own process (`sandbox/src/main.ts`): a stand-in for Tencent's and
 * RunningHub's servers must never share the backend's event loop, or its image work would be
 * counted as ours and would delay our requests.
 */
import path from 'node:path';
import type { CiMode } from '../sandbox/src';
import { REPO_ROOT, startChildService } from './child-service';
import { freePort } from '../workflows/src/runtime';

type Env = Record<string, string | undefined>;

export interface SandboxProcessOptions {
  /** Base environment (normally the launcher's); the settings below win over it. */
  env: Env;
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  cos: { secretId: string; secretKey: string; bucket: string };
  runningHubKey: string;
  timing: { queueMs: number; runMs: number };
  ciMode?: CiMode;
  nodeArgs?: string[];
}

export interface SandboxProcess {
  url: string;
  port: number;
  pid: number;
  logFile: string;
  /** Resolves once the process is gone. */
  exited: Promise<number | null>;
  close(): Promise<void>;
}

export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const port = options.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = await startChildService({
    name: 'vendor sandbox',
    entry: path.join(REPO_ROOT, 'sandbox/src/main.ts'),
    env: {
      ...options.env,
      DATA_DIR: options.dataDir,
      SANDBOX_PORT: String(port),
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_URL: url,
      SANDBOX_COS_SECRET_ID: options.cos.secretId,
      SANDBOX_COS_SECRET_KEY: options.cos.secretKey,
      COS_BUCKET: options.cos.bucket,
      RUNNINGHUB_API_KEY: options.runningHubKey,
      SANDBOX_RUNNINGHUB_QUEUE_MS: String(options.timing.queueMs),
      SANDBOX_RUNNINGHUB_RUN_MS: String(options.timing.runMs),
      SANDBOX_CI_MODE: options.ciMode ?? options.env.SANDBOX_CI_MODE ?? 'pixels',
    },
    healthUrl: `${url}/sandbox/health`,
    logFile: path.join(options.dataDir, 'sandbox.log'),
    nodeArgs: options.nodeArgs,
  });
  return { url, port, pid: child.pid, logFile: child.logFile, exited: child.exited, close: child.stop };
}
