/**
 * The whole system in one process tree: the vendor sandbox (child process), the backend
 * (in-process) and the pinned real n8n (child process) provisioned with our nodes, credentials
 * and workflows.
 * `npm start` runs it with the embedded defaults; the system e2e suite runs it on MariaDB + Redis.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startBackend, type RunningBackend } from '../backend/src/bootstrap';
import { DEFAULT_SECRETS, loadConfig, type AppConfig } from '../backend/src/config/config';
import type { CiMode } from '../sandbox/src';
import { REPO_ROOT } from './child-service';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';
import {
  credentialSpecs,
  ensureN8nInstalled,
  formatProgress,
  freePort,
  installNodePackage,
  provision,
  startN8n,
  type RunningN8n,
} from '../workflows/src/runtime';

export { REPO_ROOT };

type Env = Record<string, string | undefined>;

export interface StackOptions {
  /** Settings as in .env.example (normally process.env). */
  env: Env;
  dataDir: string;
  /** 0 picks a free port. */
  ports: { backend: number; n8n: number; sandbox: number };
  sandboxTiming?: { queueMs: number; runMs: number };
  /** CI results of the sandbox; default `SANDBOX_CI_MODE` from env, else `pixels`. */
  sandboxCiMode?: CiMode;
  onStep?: (message: string) => void;
}

export interface Owner {
  email: string;
  password: string;
}

export interface Stack {
  config: AppConfig;
  backend: RunningBackend;
  sandbox: SandboxProcess;
  n8n: RunningN8n;
  owner: Owner;
  /** Stops n8n only (to prove tasks wait for it); `startN8n` brings the same instance back. */
  stopN8n(): Promise<void>;
  startN8n(): Promise<void>;
  close(): Promise<void>;
}

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/**
 * Builds what the stack serves: the n8n node package and the two UIs. `npm start` rebuilds the
 * node package every time (quick, and its source may have changed); test suites pass
 * `onlyMissing` because `npm test` has built everything once before Jest starts.
 */
export function buildArtifacts(
  onStep: (m: string) => void,
  options: { rebuildUi?: boolean; onlyMissing?: boolean } = {},
): void {
  const npm = (args: string[]) => execFileSync('npm', args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const targets = [
    { workspace: 'n8n-nodes-aiphoto', built: 'n8n-nodes-aiphoto/dist', always: !options.onlyMissing },
    { workspace: '@aiphoto/web', built: 'web/dist/index.html', always: Boolean(options.rebuildUi) },
    { workspace: '@aiphoto/admin', built: 'admin/dist/index.html', always: Boolean(options.rebuildUi) },
  ];
  for (const target of targets) {
    const present = existsSync(path.join(REPO_ROOT, target.built));
    if (present && !target.always) continue;
    const t = Date.now();
    npm(['run', 'build', '-w', target.workspace]);
    onStep(`built ${target.workspace} (${elapsed(t)})`);
  }
}

/** The n8n editor login: from env, else generated once and kept in the data folder. */
function n8nOwner(env: Env, dataDir: string): Owner {
  const email = env.N8N_OWNER_EMAIL || 'owner@aiphoto.local';
  if (env.N8N_OWNER_PASSWORD) return { email, password: env.N8N_OWNER_PASSWORD };
  const file = path.join(dataDir, 'n8n-owner.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Owner;
  // n8n requires 8–64 characters with a digit and an uppercase letter.
  const owner = { email, password: `Ai${randomBytes(9).toString('base64url')}9` };
  writeFileSync(file, JSON.stringify(owner, null, 2), { mode: 0o600 });
  return owner;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { env, dataDir } = options;
  const step = options.onStep ?? (() => undefined);
  mkdirSync(dataDir, { recursive: true });
  const sharedSecret = env.N8N_SHARED_SECRET || DEFAULT_SECRETS.N8N_SHARED_SECRET;
  const cos = {
    secretId: env.SANDBOX_COS_SECRET_ID || 'AKIDsandboxLocalOnly',
    secretKey: env.SANDBOX_COS_SECRET_KEY || 'sandbox-local-only-secret-key',
    bucket: env.COS_BUCKET || 'aiphoto-1250000000',
  };
  const runningHubKey = env.RUNNINGHUB_API_KEY || 'sandbox-runninghub-key';

  step('n8n runtime: checking the pinned install (the first run installs it, a few minutes)');
  const install = await ensureN8nInstalled({ onProgress: (p) => step(`n8n runtime: ${formatProgress(p)}`) });

  const sandbox = await startSandboxProcess({
    env,
    dataDir,
    port: options.ports.sandbox,
    cos,
    runningHubKey,
    timing: options.sandboxTiming ?? { queueMs: 2000, runMs: 8000 },
    ciMode: options.sandboxCiMode,
  });
  step(`sandbox vendors at ${sandbox.url} (pid ${sandbox.pid}, log ${sandbox.logFile})`);

  // Real ports up front: the backend's public URL (payment notify_url, n8n callbacks) must name them.
  const n8nPort = options.ports.n8n || (await freePort());
  const backendPort = options.ports.backend || (await freePort());
  const config = loadConfig({
    ...env,
    DATA_DIR: dataDir,
    PORT: String(backendPort),
    N8N_BASE_URL: env.N8N_BASE_URL || `http://127.0.0.1:${n8nPort}`,
    N8N_SHARED_SECRET: sharedSecret,
    SANDBOX_URL: sandbox.url,
    SANDBOX_COS_SECRET_ID: cos.secretId,
    SANDBOX_COS_SECRET_KEY: cos.secretKey,
    COS_BUCKET: cos.bucket,
  });
  let backend: RunningBackend;
  try {
    backend = await startBackend(config);
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  step(`backend at ${backend.url} (${config.database.type}${config.redis ? ' + Redis' : ''})`);

  const userFolder = path.join(dataDir, 'n8n');
  const owner = n8nOwner(env, dataDir);
  const credentials = credentialSpecs({
    backend: { baseUrl: backend.url, sharedSecret },
    tencentCloud: { ...cos, region: env.COS_REGION || 'ap-guangzhou', endpoint: sandbox.url },
    runningHub: {
      apiKey: runningHubKey,
      baseUrl: sandbox.url,
      webappId: env.RUNNINGHUB_WEBAPP_ID || '1900000000000000001',
    },
  });
  await installNodePackage(userFolder);

  let n8n: RunningN8n | null = null;
  const bringUpN8n = async () => {
    const t = Date.now();
    n8n = await startN8n({ userFolder, port: n8nPort, installDir: install.dir });
    step(`n8n ${n8n.url} up (${elapsed(t)})`);
    const p = Date.now();
    await provision({ url: n8n.url, userFolder, owner, credentials, onProgress: (m) => step(`n8n: ${m}`) });
    step(`n8n provisioned: owner, API key, credentials, workflows active (${elapsed(p)})`);
  };
  try {
    await bringUpN8n();
  } catch (err) {
    await backend.close();
    await sandbox.close();
    throw err;
  }

  const stack: Stack = {
    config,
    backend,
    sandbox,
    get n8n() {
      if (!n8n) throw new Error('n8n is stopped');
      return n8n;
    },
    owner,
    stopN8n: async () => {
      await n8n?.stop();
      n8n = null;
    },
    startN8n: bringUpN8n,
    close: async () => {
      await backend.close().catch((err: unknown) => console.error('backend stop failed', err));
      await n8n?.stop().catch((err: unknown) => console.error('n8n stop failed', err));
      await sandbox.close().catch((err: unknown) => console.error('sandbox stop failed', err));
    },
  };
  return stack;
}

/** Polls /ready until every dependency is green. */
export async function waitReady(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const started = Date.now();
  let last: unknown = null;
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(`${url}/ready`);
      last = await res.json();
      if (res.ok) return last as Record<string, unknown>;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the backend did not become ready within ${timeoutMs / 1000} s: ${JSON.stringify(last)}`);
}
