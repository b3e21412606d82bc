/**
 * `npm start -- --scale`: the production shape on one machine, every part its own process —
 * n8n in queue mode (one main, one webhook process, N8N_WORKERS workers; n8n's data in
 * PostgreSQL, its queue in Redis), BACKEND_REPLICAS backends on MySQL/MariaDB + Redis, nginx in
 * front with deploy/nginx.conf, and the vendor sandbox. A supervisor restarts whatever dies and
 * keeps `<DATA_DIR>/run/processes.json` current (docs/architecture.md §8, §10).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildBackend } from '../../backend/src/bootstrap';
import { loadConfig } from '../../backend/src/config/config';
import { createLogger } from '../../backend/src/infra/logger';
import { startBackendProcess } from '../backend-process';
import { n8nOwner, startStackSandbox, stackBackendEnv, vendorSettings, waitReady, type Owner } from '../stack';
import {
  credentialSpecs,
  ensureN8nInstalled,
  formatProgress,
  freePort,
  installNodePackage,
  loadOrCreateEncryptionKey,
  provision,
  startN8n,
} from '../../workflows/src/runtime';
import type { CiMode } from '../../sandbox/src';
import { ensureMysqlDatabase, ensurePostgresDatabase, n8nPostgresEnv, n8nQueueRedisEnv } from './databases';
import { findNginx, startNginx } from './nginx';
import { Supervisor, type ProcessEntry, type StartedProcess } from './supervisor';

type Env = Record<string, string | undefined>;

export interface ScaleSettings {
  workers: number;
  workerConcurrency: number;
  replicas: number;
  databaseUrl: string;
  redisUrl: string;
  /** n8n's own database. */
  postgresUrl: string;
  /** 0 picks a free port. `public` is nginx's. */
  ports: { public: number; n8nMain: number; n8nWebhook: number; sandbox: number };
}

function count(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return value;
}

/** The topology's settings from the environment (.env.example, "Scaled topology"). */
export function scaleSettings(env: Env): ScaleSettings {
  const port = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  return {
    workers: count(env, 'N8N_WORKERS', 2, 16),
    workerConcurrency: count(env, 'N8N_WORKER_CONCURRENCY', 10, 200),
    replicas: count(env, 'BACKEND_REPLICAS', 2, 16),
    databaseUrl: env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/aiphoto',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379/0',
    postgresUrl: env.N8N_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/aiphoto_n8n',
    ports: {
      public: port('PORT', 3000),
      n8nMain: port('N8N_PORT', 5678),
      n8nWebhook: port('N8N_WEBHOOK_PORT', 5688),
      sandbox: port('SANDBOX_PORT', 9400),
    },
  };
}

/**
 * The environment every n8n process of the topology shares: queue mode on PostgreSQL and Redis.
 * docker-compose.yml's `x-n8n-env` names the same variables (scripts/__tests__/compose.test.ts).
 */
export function n8nQueueModeEnv(o: {
  postgresUrl: string;
  redisUrl: string;
  keyPrefix: string;
  redisTimeoutMs: string;
  encryptionKey: string;
  webhookUrl: string;
  editorUrl: string;
}): Record<string, string> {
  return {
    ...n8nPostgresEnv(o.postgresUrl),
    ...n8nQueueRedisEnv(o.redisUrl),
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_PREFIX: o.keyPrefix,
    N8N_REDIS_KEY_PREFIX: `${o.keyPrefix}-n8n`,
    // n8n exits after this long without Redis (its default is 10 s); a minute rides out a restart.
    QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD: o.redisTimeoutMs,
    N8N_ENCRYPTION_KEY: o.encryptionKey,
    // Production webhooks only on the webhook process; manual runs on the workers too.
    N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
    OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
    WEBHOOK_URL: `${o.webhookUrl}/`,
    N8N_EDITOR_BASE_URL: o.editorUrl,
  };
}

/** What the backend replicas get on top of the usual settings: MySQL, Redis, one proxy hop, the webhook process. */
export function scaledBackendEnv(o: {
  databaseUrl: string;
  redisUrl: string;
  publicUrl: string;
  n8nWebhookUrl: string;
}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    TRUST_PROXY: '1',
    PUBLIC_BASE_URL: o.publicUrl,
    N8N_BASE_URL: o.n8nWebhookUrl,
  };
}

/** The roles `--scale` starts, as processes.json names them. */
export const SCALE_ROLES = ['sandbox', 'n8n-main', 'n8n-webhook', 'n8n-worker', 'backend', 'nginx'] as const;

export interface ScaledStack {
  /** nginx: the portal, console, API and WebSocket for everyone. */
  publicUrl: string;
  n8nMainUrl: string;
  n8nWebhookUrl: string;
  sandboxUrl: string | null;
  processesFile: string;
  owner: Owner;
  admin: { username: string; password: string | null; generatedNow: boolean };
  readiness: Record<string, unknown>;
  processes(): ProcessEntry[];
  /** Creates or updates (and activates) the workflows of another folder beside the repo's (the bench's trivial one). */
  provisionWorkflows(workflowsDir: string): Promise<void>;
  close(): Promise<void>;
}

export interface ScaledStackOptions {
  env: Env;
  dataDir: string;
  settings: ScaleSettings;
  sandboxTiming?: { queueMs: number; runMs: number };
  sandboxCiMode?: CiMode;
  onStep?: (message: string) => void;
}

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const orFree = async (port: number) => port || (await freePort());

export async function startScaledStack(options: ScaledStackOptions): Promise<ScaledStack> {
  const { env, dataDir, settings } = options;
  const step = options.onStep ?? (() => undefined);
  const runDir = path.join(dataDir, 'run');
  const logDir = path.join(runDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const nginxBin = findNginx(env);

  step('n8n runtime: checking the pinned install (the first run installs it, a few minutes)');
  const install = await ensureN8nInstalled({ onProgress: (p) => step(`n8n runtime: ${formatProgress(p)}`) });
  await ensureMysqlDatabase(settings.databaseUrl);
  await ensurePostgresDatabase(settings.postgresUrl, install.dir);
  step(
    `databases ready: ${new URL(settings.databaseUrl).pathname.slice(1)} (MySQL), ${new URL(settings.postgresUrl).pathname.slice(1)} (PostgreSQL, n8n)`,
  );

  // Every port is fixed before anything starts, so a restarted process comes back where it was.
  const ports = {
    public: await orFree(settings.ports.public),
    n8nMain: await orFree(settings.ports.n8nMain),
    n8nWebhook: await orFree(settings.ports.n8nWebhook),
    sandbox: await orFree(settings.ports.sandbox),
  };
  const publicUrl = `http://127.0.0.1:${ports.public}`;
  const n8nMainUrl = `http://127.0.0.1:${ports.n8nMain}`;
  const n8nWebhookUrl = `http://127.0.0.1:${ports.n8nWebhook}`;
  const live = env.VENDOR_MODE === 'live';
  const sandboxUrl = live ? null : `http://127.0.0.1:${ports.sandbox}`;

  const supervisor = new Supervisor(
    path.join(runDir, 'processes.json'),
    { mode: 'scale', launcherPid: process.pid, publicUrl, startedAt: new Date().toISOString() },
    (message) => step(`supervisor: ${message}`),
  );
  const started = Date.now();
  try {
    if (sandboxUrl) {
      await supervisor.add({
        role: 'sandbox',
        index: 1,
        port: ports.sandbox,
        start: async () => {
          const sandbox = await startStackSandbox({
            env,
            dataDir,
            port: ports.sandbox,
            timing: options.sandboxTiming,
            ciMode: options.sandboxCiMode,
          });
          return {
            pid: sandbox.pid,
            url: sandbox.url,
            logFile: sandbox.logFile,
            exited: sandbox.exited,
            stop: sandbox.close,
          };
        },
      });
      step(`sandbox vendors at ${sandboxUrl}`);
    }

    // The backends' settings: behind exactly one proxy (nginx), dispatching to the webhook process.
    const backendEnv: Env = {
      ...stackBackendEnv(env, {
        dataDir,
        port: ports.public,
        n8nUrl: n8nWebhookUrl,
        sandboxUrl: sandboxUrl ?? env.SANDBOX_URL ?? '',
      }),
      ...scaledBackendEnv({
        databaseUrl: settings.databaseUrl,
        redisUrl: settings.redisUrl,
        publicUrl: env.PUBLIC_BASE_URL || publicUrl,
        n8nWebhookUrl: env.N8N_BASE_URL || n8nWebhookUrl,
      }),
    };
    // Migrations and the first admin once, here, before any replica starts (no two replicas migrate at once).
    const migrated = await buildBackend(loadConfig(backendEnv), {
      logger: createLogger(env.LOG_LEVEL || 'warn', 'aiphoto-migrate'),
    });
    const firstAdmin = migrated.ctx.firstStart.adminCredentials;
    await migrated.close();
    step('backend database migrated');

    const n8nFolder = path.join(dataDir, 'n8n-queue');
    mkdirSync(n8nFolder, { recursive: true });
    const encryptionKey = env.N8N_ENCRYPTION_KEY || (await loadOrCreateEncryptionKey(n8nFolder));
    const bullPrefix = createHash('sha256').update(settings.postgresUrl).digest('hex').slice(0, 10);
    const queueEnv = n8nQueueModeEnv({
      postgresUrl: settings.postgresUrl,
      redisUrl: settings.redisUrl,
      // Stacks sharing one Redis never take each other's jobs or commands.
      keyPrefix: `aiphoto-${bullPrefix}`,
      redisTimeoutMs: env.QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD || '60000',
      encryptionKey,
      webhookUrl: n8nWebhookUrl,
      editorUrl: n8nMainUrl,
    });
    const n8nProcess = async (role: 'main' | 'webhook' | 'worker', index: number, port: number) => {
      const folder = path.join(n8nFolder, role === 'worker' ? `worker-${index}` : role);
      await installNodePackage(folder);
      const brokerPort = await freePort();
      const name = role === 'worker' ? `n8n-worker-${index}` : `n8n-${role}`;
      return supervisor.add({
        role: `n8n-${role}`,
        index,
        port,
        start: async (): Promise<StartedProcess> => {
          const n8n = await startN8n({
            role,
            userFolder: folder,
            port,
            installDir: install.dir,
            args: role === 'worker' ? [`--concurrency=${settings.workerConcurrency}`] : [],
            logFile: path.join(logDir, `${name}.log`),
            env: { ...queueEnv, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(brokerPort) },
          });
          return { pid: n8n.pid, url: n8n.url, logFile: n8n.logFile, exited: n8n.exited, stop: n8n.stop };
        },
      });
    };
    let t = Date.now();
    await n8nProcess('main', 1, ports.n8nMain);
    step(`n8n main at ${n8nMainUrl} (${elapsed(t)})`);
    t = Date.now();
    const workerPorts = await Promise.all(Array.from({ length: settings.workers }, () => freePort()));
    await Promise.all([
      n8nProcess('webhook', 1, ports.n8nWebhook),
      ...workerPorts.map((port, i) => n8nProcess('worker', i + 1, port)),
    ]);
    step(`n8n webhook process at ${n8nWebhookUrl}, ${settings.workers} worker(s) (${elapsed(t)})`);

    const vendor = vendorSettings(env, dataDir);
    const owner = n8nOwner(env, dataDir);
    t = Date.now();
    await provision({
      url: n8nMainUrl,
      webhookUrl: n8nWebhookUrl,
      userFolder: path.join(n8nFolder, 'main'),
      owner,
      credentials: credentialSpecs({
        // Callbacks go through nginx like every other request; the trigger remembers in Redis.
        backend: { baseUrl: publicUrl, sharedSecret: vendor.sharedSecret, redisUrl: settings.redisUrl },
        tencentCloud: { ...vendor.cos, region: vendor.region, endpoint: sandboxUrl ?? '' },
        runningHub: {
          apiKey: vendor.runningHubKey,
          baseUrl: sandboxUrl ?? 'https://www.runninghub.cn',
          webappId: vendor.webappId,
          apps: vendor.runningHubApps,
        },
      }),
      onProgress: (m) => step(`n8n: ${m}`),
    });
    step(`n8n provisioned: credentials, workflows active on the webhook process (${elapsed(t)})`);

    t = Date.now();
    const backendPorts = await Promise.all(Array.from({ length: settings.replicas }, () => freePort()));
    await Promise.all(
      backendPorts.map((port, i) =>
        supervisor.add({
          role: 'backend',
          index: i + 1,
          port,
          start: async () => {
            const backend = await startBackendProcess({
              env: { ...backendEnv, PORT: String(port) },
              logFile: path.join(logDir, `backend-${i + 1}.log`),
            });
            return {
              pid: backend.pid,
              url: backend.url,
              logFile: backend.logFile,
              exited: backend.exited,
              stop: backend.close,
            };
          },
        }),
      ),
    );
    step(`${settings.replicas} backend replica(s) up (${elapsed(t)})`);

    await supervisor.add({
      role: 'nginx',
      index: 1,
      port: ports.public,
      start: () =>
        startNginx({
          bin: nginxBin,
          runDir,
          listenPort: ports.public,
          backends: backendPorts.map((port) => ({ host: '127.0.0.1', port })),
        }),
    });
    const readiness = await waitReady(publicUrl, 120_000);
    await supervisor.write();
    step(`ready through nginx at ${publicUrl} (${elapsed(started)})`);

    return {
      publicUrl,
      n8nMainUrl,
      n8nWebhookUrl,
      sandboxUrl,
      processesFile: path.join(runDir, 'processes.json'),
      owner,
      admin: {
        username: migrated.ctx.config.adminBootstrap.username,
        password: firstAdmin?.password ?? migrated.ctx.config.adminBootstrap.password,
        generatedNow: Boolean(firstAdmin),
      },
      readiness,
      processes: () => supervisor.entries(),
      provisionWorkflows: async (workflowsDir) => {
        await provision({
          url: n8nMainUrl,
          webhookUrl: n8nWebhookUrl,
          userFolder: path.join(n8nFolder, 'main'),
          owner,
          credentials: [],
          workflowsDir,
          onProgress: (m) => step(`n8n: ${m}`),
        });
      },
      close: () => supervisor.stopAll(),
    };
  } catch (err) {
    await supervisor.stopAll();
    throw err;
  }
}
