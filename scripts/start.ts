/**
 * `npm start`: the whole system on this machine in the embedded default (ARCHITECTURE §2, §8) —
 * the vendor sandbox, the backend on SQLite (serving the portal and the console), and the pinned
 * real n8n with our nodes, credentials and workflows — then waits for /ready and prints the URLs.
 *
 * Settings come from the environment or a `.env` file at the repo root (see .env.example).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const envFile = path.join(root, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);
const env = process.env;

import { startBackend } from '../backend/src/bootstrap';
import { ConfigError, DEFAULT_SECRETS, loadConfig } from '../backend/src/config/config';
import { createSandbox } from '../sandbox/src';
import { credentialSpecs, ensureN8nInstalled, formatProgress, installNodePackage, provision, startN8n, type RunningN8n } from '../workflows/src/runtime';

const step = (message: string) => console.log(`[start] ${message}`);
const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

interface Owner {
  email: string;
  password: string;
}

/** The n8n editor login: from env, else generated once and kept in the data folder. */
function n8nOwner(dataDir: string): Owner {
  const file = path.join(dataDir, 'n8n-owner.json');
  if (env.N8N_OWNER_PASSWORD) return { email: env.N8N_OWNER_EMAIL || 'owner@aiphoto.local', password: env.N8N_OWNER_PASSWORD };
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Owner;
  // n8n requires 8–64 characters with a digit and an uppercase letter.
  const owner = { email: env.N8N_OWNER_EMAIL || 'owner@aiphoto.local', password: `Ai${randomBytes(9).toString('base64url')}9` };
  writeFileSync(file, JSON.stringify(owner, null, 2), { mode: 0o600 });
  return owner;
}

/** Builds what must be built: the n8n node package always (cheap), the UIs when not built yet. */
function build(): void {
  const npm = (args: string[]) => execFileSync('npm', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  let t = Date.now();
  npm(['run', 'build', '-w', 'n8n-nodes-aiphoto']);
  step(`built n8n-nodes-aiphoto (${elapsed(t)})`);
  for (const app of ['web', 'admin']) {
    if (existsSync(path.join(root, app, 'dist', 'index.html')) && env.AIPHOTO_REBUILD_UI !== 'true') continue;
    t = Date.now();
    npm(['run', 'build', '-w', `@aiphoto/${app}`]);
    step(`built ${app} (${elapsed(t)})`);
  }
}

async function waitReady(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
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

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = path.resolve(root, env.DATA_DIR || '.data');
  mkdirSync(dataDir, { recursive: true });
  const port = (name: string, def: number) => Number(env[name] || def);
  const backendPort = port('PORT', 3000);
  const n8nPort = port('N8N_PORT', 5678);
  const sandboxPort = port('SANDBOX_PORT', 9400);
  const sharedSecret = env.N8N_SHARED_SECRET || DEFAULT_SECRETS.N8N_SHARED_SECRET;
  const cos = {
    secretId: env.SANDBOX_COS_SECRET_ID || 'AKIDsandboxLocalOnly',
    secretKey: env.SANDBOX_COS_SECRET_KEY || 'sandbox-local-only-secret-key',
    bucket: env.COS_BUCKET || 'aiphoto-1250000000',
  };
  const runningHubKey = env.RUNNINGHUB_API_KEY || 'sandbox-runninghub-key';

  build();

  step('n8n runtime: checking the pinned install (the first run installs it, a few minutes)');
  const install = await ensureN8nInstalled({ onProgress: (p) => step(`n8n runtime: ${formatProgress(p)}`) });

  const sandbox = await createSandbox({
    dataDir,
    port: sandboxPort,
    cos,
    runninghub: { apiKey: runningHubKey, queueMs: Number(env.SANDBOX_RUNNINGHUB_QUEUE_MS || 2000), runMs: Number(env.SANDBOX_RUNNINGHUB_RUN_MS || 8000) },
  });
  step(`sandbox vendors at ${sandbox.url}`);

  let config;
  try {
    config = loadConfig({
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
  } catch (err) {
    if (err instanceof ConfigError) console.error(err.message);
    await sandbox.close();
    process.exit(78);
  }
  const backend = await startBackend(config);
  step(`backend at ${backend.url} (${config.database.type}${config.redis ? ' + Redis' : ''})`);

  const userFolder = path.join(dataDir, 'n8n');
  await installNodePackage(userFolder);
  let t = Date.now();
  const n8n: RunningN8n = await startN8n({ userFolder, port: n8nPort, installDir: install.dir });
  step(`n8n ${n8n.url} up (${elapsed(t)})`);
  const owner = n8nOwner(dataDir);
  t = Date.now();
  await provision({
    url: n8n.url,
    userFolder,
    owner,
    credentials: credentialSpecs({
      backend: { baseUrl: backend.url, sharedSecret },
      tencentCloud: { ...cos, region: env.COS_REGION || 'ap-guangzhou', endpoint: sandbox.url },
      runningHub: { apiKey: runningHubKey, baseUrl: sandbox.url, webappId: env.RUNNINGHUB_WEBAPP_ID || '1900000000000000001' },
    }),
    onProgress: (m) => step(`n8n: ${m}`),
  });
  step(`n8n provisioned: owner, API key, credentials, workflows active (${elapsed(t)})`);

  const ready = await waitReady(backend.url, 60_000);
  const admin = config.adminBootstrap;
  console.log(`
AI Photo is running (${elapsed(started)}; readiness ${JSON.stringify(ready.checks)})
  portal         ${backend.url}/
  admin console  ${backend.url}/admin   (${admin.username} / ${env.ADMIN_BOOTSTRAP_PASSWORD ? '<ADMIN_BOOTSTRAP_PASSWORD>' : admin.password})
  API docs       ${backend.url}/api/docs
  n8n editor     ${n8n.url}   (${owner.email} / ${owner.password})
  sandbox        ${sandbox.url}   (SMS codes: ${sandbox.url}/sandbox/sms/outbox?phone=<phone>)
Ctrl+C stops everything.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    step(`${signal}: stopping`);
    await backend.close().catch((err: unknown) => console.error('backend stop failed', err));
    await n8n.stop().catch((err: unknown) => console.error('n8n stop failed', err));
    await sandbox.close().catch((err: unknown) => console.error('sandbox stop failed', err));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('[start] failed:', err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
