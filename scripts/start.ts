/**
 * `npm start`: the whole system on this machine in the embedded default (docs/architecture.md §2, §8) —
 * the vendor sandbox, the backend on SQLite (serving the portal and the console) and the pinned
 * real n8n with our nodes, credentials and workflows — then waits for /ready and prints the URLs.
 * `npm start -- --scale`: the production shape instead (scripts/scale/topology.ts): n8n in queue
 * mode with workers, several backends on MySQL + Redis, nginx in front.
 * Settings come from the environment or a `.env` file at the repo root (see .env.example).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../backend/src/config/config';
import { firstStartNotice } from '../backend/src/first-start';
import { createLogger } from '../backend/src/infra/logger';
import { installProcessGuards } from '../backend/src/infra/process-guards';
import { buildArtifacts, REPO_ROOT, startStack, waitReady, type Stack } from './stack';
import { scaleSettings, startScaledStack, type ScaledStack } from './scale/topology';

const step = (message: string) => console.log(`[start] ${message}`);

let stack: Stack | ScaledStack | null = null;
let stopping = false;
/** Stops everything once (signal or fatal error) and exits with `exitCode`. */
async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  step(`${reason}: stopping`);
  await stack?.close();
  process.exit(exitCode);
}

async function main(): Promise<void> {
  const envFile = path.join(REPO_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const env = process.env;
  // The backend runs in this process: the same last-resort handlers as `npm start -w backend`.
  installProcessGuards({
    logger: createLogger(env.LOG_LEVEL || 'info', 'aiphoto-start'),
    fatal: (reason) => void shutdown(reason, 1),
  });
  const started = Date.now();
  // AIPHOTO_PREBUILT: build only what is missing (test suites start this after npm test built everything).
  buildArtifacts(step, { rebuildUi: env.AIPHOTO_REBUILD_UI === 'true', onlyMissing: env.AIPHOTO_PREBUILT === 'true' });
  const port = (name: string, def: number) => Number(env[name] || def);
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  // Started by a test with an IPC channel: when that process is gone, even killed, stop everything.
  if (process.send) process.once('disconnect', () => void shutdown('disconnect', 0));
  if (process.argv.includes('--scale')) {
    await startScaled(env, started, port);
    return;
  }
  stack = await startStack({
    env,
    dataDir: path.resolve(REPO_ROOT, env.DATA_DIR || '.data'),
    ports: { backend: port('PORT', 3000), n8n: port('N8N_PORT', 5678), sandbox: port('SANDBOX_PORT', 9400) },
    sandboxTiming: {
      queueMs: port('SANDBOX_RUNNINGHUB_QUEUE_MS', 2000),
      runMs: port('SANDBOX_RUNNINGHUB_RUN_MS', 8000),
    },
    onStep: step,
  });
  const ready = await waitReady(stack.backend.url, 60_000);
  const { backend, n8n, sandbox, owner, admin } = stack;
  // The generated password is shown on this terminal once, at the start that created the account.
  const adminLogin = env.ADMIN_BOOTSTRAP_PASSWORD
    ? '<ADMIN_BOOTSTRAP_PASSWORD>'
    : admin.generatedNow
      ? `${admin.password}, shown only now`
      : 'password shown at the first start';
  const notice = firstStartNotice(backend.ctx.firstStart, `${backend.url}/admin`);
  console.log(`${notice ? `\n${notice}\n` : ''}
AI Photo is running (${((Date.now() - started) / 1000).toFixed(1)} s; readiness ${JSON.stringify(ready.checks)})
  portal         ${backend.url}/
  admin console  ${backend.url}/admin   (${admin.username} / ${adminLogin})
  API docs       ${backend.url}/api/docs
  n8n editor     ${n8n.url}   (${owner.email} / ${owner.password})
  sandbox        ${sandbox.url}   (SMS codes: ${sandbox.url}/sandbox/sms/outbox?phone=<phone>)
Ctrl+C stops everything.`);
}

/** The scaled topology: starts it, then prints every process with its pid and port. */
async function startScaled(
  env: NodeJS.ProcessEnv,
  started: number,
  port: (name: string, def: number) => number,
): Promise<void> {
  const scaled = await startScaledStack({
    env,
    dataDir: path.resolve(REPO_ROOT, env.DATA_DIR || '.data'),
    settings: scaleSettings(env),
    sandboxTiming: {
      queueMs: port('SANDBOX_RUNNINGHUB_QUEUE_MS', 2000),
      runMs: port('SANDBOX_RUNNINGHUB_RUN_MS', 8000),
    },
    onStep: step,
  });
  stack = scaled;
  const adminLogin = env.ADMIN_BOOTSTRAP_PASSWORD
    ? '<ADMIN_BOOTSTRAP_PASSWORD>'
    : scaled.admin.generatedNow
      ? `${scaled.admin.password}, shown only now`
      : 'password shown at the first start';
  const rows = scaled
    .processes()
    .map(
      (p) =>
        `  ${`${p.role} ${p.index}`.padEnd(14)} ${String(p.pid).padEnd(8)} ${String(p.port).padEnd(6)} ${p.log ?? ''}`,
    );
  console.log(`
AI Photo (scaled) is running (${((Date.now() - started) / 1000).toFixed(1)} s; readiness through nginx ${JSON.stringify(scaled.readiness.checks)})
  portal         ${scaled.publicUrl}/   (nginx → the backend replicas; also /admin, /api, /ws)
  admin console  ${scaled.publicUrl}/admin   (${scaled.admin.username} / ${adminLogin})
  n8n editor     ${scaled.n8nMainUrl}   (${scaled.owner.email} / ${scaled.owner.password}; queue mode)
  sandbox        ${scaled.sandboxUrl ?? 'off (VENDOR_MODE=live)'}
  role           pid      port   log
${rows.join('\n')}
  processes      ${scaled.processesFile} (kept current; a process that dies is started again)
Ctrl+C stops everything.`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  console.error('[start] failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
