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
import { setTimeout as sleep } from 'node:timers/promises';
import { startBackend, type RunningBackend } from '../backend/src/bootstrap';
import { loadConfig, type AppConfig } from '../backend/src/config/config';
import { loadOrCreateLocalSecrets } from '../backend/src/config/secrets';
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
  /**
   * The first console account: its password is ADMIN_BOOTSTRAP_PASSWORD when set, the one
   * generated on this start when the account was created now, else null (shown at first start).
   */
  admin: { username: string; password: string | null; generatedNow: boolean };
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
export function n8nOwner(env: Env, dataDir: string): Owner {
  const email = env.N8N_OWNER_EMAIL || 'owner@aiphoto.local';
  if (env.N8N_OWNER_PASSWORD) return { email, password: env.N8N_OWNER_PASSWORD };
  const file = path.join(dataDir, 'n8n-owner.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Owner;
  // n8n requires 8–64 characters with a digit and an uppercase letter.
  const owner = { email, password: `Ai${randomBytes(9).toString('base64url')}9` };
  writeFileSync(file, JSON.stringify(owner, null, 2), { mode: 0o600 });
  return owner;
}

/**
 * Vendor credentials shared by the sandbox, the backend and n8n: from env, else the sandbox's
 * development values; the backend <-> n8n secret from env, else the one generated into the data
 * folder on first start (the backend reads the same file, so both sides agree).
 */
export function vendorSettings(env: Env, dataDir: string) {
  return {
    sharedSecret: env.N8N_SHARED_SECRET || loadOrCreateLocalSecrets(dataDir).N8N_SHARED_SECRET,
    cos: {
      secretId: env.SANDBOX_COS_SECRET_ID || 'AKIDsandboxLocalOnly',
      secretKey: env.SANDBOX_COS_SECRET_KEY || 'sandbox-local-only-secret-key',
      bucket: env.COS_BUCKET || 'aiphoto-1250000000',
    },
    region: env.COS_REGION || 'ap-guangzhou',
    runningHubKey: env.RUNNINGHUB_API_KEY || 'sandbox-runninghub-key',
    webappId: env.RUNNINGHUB_WEBAPP_ID || '1900000000000000001',
    // The AI apps the fitting and travel workflows name; the defaults are the sandbox's apps.
    runningHubApps: env.RUNNINGHUB_APPS || 'fitting=1900000000000000002,travel=1900000000000000003',
  };
}

/** The backend's settings for this stack: its data folder and port, the sandbox and n8n it talks to. */
export function stackBackendEnv(
  env: Env,
  where: { dataDir: string; port: number; n8nUrl: string; sandboxUrl: string },
): Env {
  const vendor = vendorSettings(env, where.dataDir);
  // The n8n login lets the backend stop a canceled task's execution (the same owner npm start creates).
  const owner = n8nOwner(env, where.dataDir);
  return {
    ...env,
    DATA_DIR: where.dataDir,
    PORT: String(where.port),
    N8N_BASE_URL: env.N8N_BASE_URL || where.n8nUrl,
    N8N_OWNER_EMAIL: owner.email,
    N8N_OWNER_PASSWORD: owner.password,
    N8N_SHARED_SECRET: vendor.sharedSecret,
    SANDBOX_URL: where.sandboxUrl,
    SANDBOX_COS_SECRET_ID: vendor.cos.secretId,
    SANDBOX_COS_SECRET_KEY: vendor.cos.secretKey,
    COS_BUCKET: vendor.cos.bucket,
  };
}

/** The stack's sandbox in its own process, with the stack's vendor credentials. */
export function startStackSandbox(options: {
  env: Env;
  dataDir: string;
  port: number;
  timing?: { queueMs: number; runMs: number };
  ciMode?: CiMode;
}): Promise<SandboxProcess> {
  const vendor = vendorSettings(options.env, options.dataDir);
  return startSandboxProcess({
    env: options.env,
    dataDir: options.dataDir,
    port: options.port,
    cos: vendor.cos,
    runningHubKey: vendor.runningHubKey,
    timing: options.timing ?? { queueMs: 2000, runMs: 8000 },
    ciMode: options.ciMode,
  });
}

/** The pinned n8n of a stack: started, stopped and (re)provisioned against a backend URL. */
export interface StackN8n {
  readonly url: string;
  readonly owner: Owner;
  /** The running process; throws while stopped. */
  readonly running: RunningN8n;
  /** Starts n8n and provisions it against the current backend URL. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Points the credentials at `backendUrl` and syncs the workflows of `workflowsDir` (default:
   * the repo's), activating them; other workflows already in n8n stay as they are.
   */
  provision(backendUrl: string, workflowsDir?: string): Promise<void>;
}

export async function prepareStackN8n(options: {
  env: Env;
  dataDir: string;
  port: number;
  sandboxUrl: string;
  backendUrl: string;
  onStep?: (message: string) => void;
}): Promise<StackN8n> {
  const { env, dataDir } = options;
  const step = options.onStep ?? (() => undefined);
  step('n8n runtime: checking the pinned install (the first run installs it, a few minutes)');
  const install = await ensureN8nInstalled({ onProgress: (p) => step(`n8n runtime: ${formatProgress(p)}`) });
  const vendor = vendorSettings(env, dataDir);
  const userFolder = path.join(dataDir, 'n8n');
  const owner = n8nOwner(env, dataDir);
  const url = `http://127.0.0.1:${options.port}`;
  let backendUrl = options.backendUrl;
  let n8n: RunningN8n | null = null;
  await installNodePackage(userFolder);

  const provisionAgainst = async (target: string, workflowsDir?: string) => {
    backendUrl = target;
    const credentials = credentialSpecs({
      backend: { baseUrl: target, sharedSecret: vendor.sharedSecret },
      tencentCloud: { ...vendor.cos, region: vendor.region, endpoint: options.sandboxUrl },
      runningHub: {
        apiKey: vendor.runningHubKey,
        baseUrl: options.sandboxUrl,
        webappId: vendor.webappId,
        apps: vendor.runningHubApps,
      },
    });
    const p = Date.now();
    await provision({ url, userFolder, owner, credentials, workflowsDir, onProgress: (m) => step(`n8n: ${m}`) });
    step(`n8n provisioned: owner, API key, credentials, workflows active (${elapsed(p)})`);
  };
  return {
    url,
    owner,
    get running() {
      if (!n8n) throw new Error('n8n is stopped');
      return n8n;
    },
    start: async () => {
      const t = Date.now();
      n8n = await startN8n({ userFolder, port: options.port, installDir: install.dir });
      step(`n8n ${n8n.url} up (${elapsed(t)})`);
      await provisionAgainst(backendUrl);
    },
    stop: async () => {
      await n8n?.stop();
      n8n = null;
    },
    provision: provisionAgainst,
  };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { env, dataDir } = options;
  const step = options.onStep ?? (() => undefined);
  mkdirSync(dataDir, { recursive: true });

  const sandbox = await startStackSandbox({
    env,
    dataDir,
    port: options.ports.sandbox,
    timing: options.sandboxTiming,
    ciMode: options.sandboxCiMode,
  });
  step(`sandbox vendors at ${sandbox.url} (pid ${sandbox.pid}, log ${sandbox.logFile})`);

  // Real ports up front: the backend's public URL (payment notify_url, n8n callbacks) must name them.
  const n8nPort = options.ports.n8n || (await freePort());
  const backendPort = options.ports.backend || (await freePort());
  const config = loadConfig(
    stackBackendEnv(env, {
      dataDir,
      port: backendPort,
      n8nUrl: `http://127.0.0.1:${n8nPort}`,
      sandboxUrl: sandbox.url,
    }),
  );
  let backend: RunningBackend;
  let n8n: StackN8n;
  try {
    n8n = await prepareStackN8n({
      env,
      dataDir,
      port: n8nPort,
      sandboxUrl: sandbox.url,
      backendUrl: `http://${config.http.host}:${backendPort}`,
      onStep: step,
    });
    backend = await startBackend(config);
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  step(`backend at ${backend.url} (${config.database.type}${config.redis ? ' + Redis' : ''})`);
  try {
    await n8n.start();
  } catch (err) {
    await backend.close();
    await sandbox.close();
    throw err;
  }

  const generated = backend.ctx.firstStart.adminCredentials;
  return {
    config,
    admin: {
      username: config.adminBootstrap.username,
      password: generated?.password ?? config.adminBootstrap.password,
      generatedNow: Boolean(generated),
    },
    backend,
    sandbox,
    get n8n() {
      return n8n.running;
    },
    owner: n8n.owner,
    stopN8n: () => n8n.stop(),
    startN8n: () => n8n.start(),
    close: async () => {
      await backend.close().catch((err: unknown) => console.error('backend stop failed', err));
      await n8n.stop().catch((err: unknown) => console.error('n8n stop failed', err));
      await sandbox.close().catch((err: unknown) => console.error('sandbox stop failed', err));
    },
  };
}

/** The console login of a stack, for suites that sign in as the first admin. */
export function adminLogin(stack: Stack): { username: string; password: string } {
  const { username, password } = stack.admin;
  if (!password) {
    throw new Error('the first admin password was shown at the first start; set ADMIN_BOOTSTRAP_PASSWORD to sign in');
  }
  return { username, password };
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
    await sleep(500);
  }
  throw new Error(`the backend did not become ready within ${timeoutMs / 1000} s: ${JSON.stringify(last)}`);
}
