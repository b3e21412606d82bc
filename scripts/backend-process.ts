/**
 * A backend in its own process (`backend/src/main.ts`), configured entirely by environment as in
 * production. The bench runs it this way so its CPU time and memory are its own, and so the load
 * generator never shares its event loop; several can run side by side on one database.
 */
import path from 'node:path';
import { loadConfig, type AppConfig } from '../backend/src/config/config';
import { freePort } from '../workflows/src/runtime';
import { REPO_ROOT, startChildService } from './child-service';

type Env = Record<string, string | undefined>;

export interface BackendProcessOptions {
  /** The backend's settings (as in .env.example); PORT is chosen here when absent or 0. */
  env: Env;
  /** Where the output goes; default `<DATA_DIR>/backend-<port>.log`. */
  logFile?: string;
  /** Extra Node options, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

export interface BackendProcess {
  url: string;
  port: number;
  pid: number;
  logFile: string;
  /** Resolves once the process is gone. */
  exited: Promise<number | null>;
  /** The configuration the process runs with (parsed here from the same environment). */
  config: AppConfig;
  close(): Promise<void>;
}

export async function startBackendProcess(options: BackendProcessOptions): Promise<BackendProcess> {
  const port = Number(options.env.PORT) || (await freePort());
  const env: Env = { ...options.env, PORT: String(port) };
  // Parsed here too: a bad setting fails with the backend's own message before anything starts.
  const config = loadConfig(env);
  const url = `http://${config.http.host}:${port}`;
  const logFile = options.logFile ?? path.join(path.resolve(env.DATA_DIR || '.data'), `backend-${port}.log`);
  const child = await startChildService({
    name: 'backend',
    entry: path.join(REPO_ROOT, 'backend/src/main.ts'),
    env,
    healthUrl: `${url}/health`,
    logFile,
    nodeArgs: options.nodeArgs,
  });
  return { url, port, pid: child.pid, logFile, exited: child.exited, config, close: child.stop };
}
