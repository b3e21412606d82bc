/**
 * `npm start -- --scale` as the suites run it: the real launcher (scripts/start.ts) in its own
 * process, on a fresh MySQL database, a fresh PostgreSQL database for n8n and a Redis key prefix
 * of its own, on free ports; everything about the running topology is read from the
 * processes.json it writes. Stopping it stops everything and checks that no process is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { openDatabase } from '../../../backend/src/db/data-source';
import { createEmptyDatabase } from '../../../backend/src/testing/test-db';
import { checkSystemInvariant, type SystemInvariantReport } from '../../../backend/src/testing/system-invariant';
import { waitFor } from '../../../jest/wait-for';
import { REPO_ROOT } from '../../child-service';
import { dropPostgresDatabase } from '../../scale/databases';
import type { ProcessEntry } from '../../scale/supervisor';
import { n8nInstallDir, N8N_VERSION } from '../../../workflows/src/runtime';

type Env = Record<string, string | undefined>;

export interface ProcessesFile {
  launcherPid: number;
  publicUrl: string;
  processes: ProcessEntry[];
}

export interface ScaledHandle {
  publicUrl: string;
  sandboxUrl: string;
  dataDir: string;
  databaseUrl: string;
  secret: string;
  admin: { username: string; password: string };
  /** What the launcher printed so far. */
  output(): string;
  processes(): ProcessesFile;
  entry(role: string, index?: number): ProcessEntry;
  /** Sends `signal` to one process of the topology; returns the pid it had. */
  kill(role: string, index: number, signal: NodeJS.Signals): number;
  /** Waits until the supervisor has started that process again (a new pid, running). */
  restarted(role: string, index: number, oldPid: number, timeoutMs?: number): Promise<ProcessEntry>;
  /** The backend's database, for the invariant (opened on first use). */
  invariant(options?: { settled?: boolean }): Promise<SystemInvariantReport>;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Settings that differ from the suite defaults (e.g. REDIS_URL of a private redis-server). */
  env?: Env;
  /** Where the backend's database lives; default a fresh database on MYSQL_URL's server. */
  mysqlAdminUrl?: string;
  timeoutMs?: number;
}

const alive = (pid: number | null) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function launchScaled(options: LaunchOptions = {}): Promise<ScaledHandle> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-scale-'));
  const suffix = randomBytes(4).toString('hex');
  let databaseUrl: string;
  let dropMysql: () => Promise<void>;
  if (options.mysqlAdminUrl) {
    const url = new URL(options.mysqlAdminUrl);
    url.pathname = `/aiphoto_scale_${suffix}`;
    databaseUrl = url.toString();
    dropMysql = async () => undefined;
  } else {
    const db = await createEmptyDatabase('mysql', 10);
    if (db.config.type !== 'mysql') throw new Error('expected MySQL');
    databaseUrl = db.config.url;
    dropMysql = db.drop;
  }
  const postgresUrl = `postgres://postgres@127.0.0.1:5432/aiphoto_scale_${suffix}`;
  // n8n's queue and pub/sub keys carry this hash of the Postgres URL (scripts/scale/topology.ts).
  const stackHash = createHash('sha256').update(postgresUrl).digest('hex').slice(0, 10);
  const redisPrefix = `scale-e2e:${suffix}:`;
  const secret = `scale-e2e-${randomUUID()}`;
  const admin = { username: 'admin', password: `Scale${randomBytes(6).toString('hex')}9` };
  const env: Env = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    PORT: '0',
    N8N_PORT: '0',
    N8N_WEBHOOK_PORT: '0',
    SANDBOX_PORT: '0',
    DATABASE_URL: databaseUrl,
    N8N_POSTGRES_URL: postgresUrl,
    REDIS_URL: process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379/15',
    REDIS_KEY_PREFIX: redisPrefix,
    N8N_SHARED_SECRET: secret,
    ADMIN_BOOTSTRAP_PASSWORD: admin.password,
    OUTBOX_POLL_INTERVAL_MS: '200',
    OUTBOX_MAX_BACKOFF_MS: '1000',
    TASK_WATCHDOG_INTERVAL_MS: '500',
    SANDBOX_RUNNINGHUB_QUEUE_MS: '0',
    SANDBOX_RUNNINGHUB_RUN_MS: '1000',
    AIPHOTO_PREBUILT: 'true',
    ...options.env,
  };
  const log = createWriteStream(path.join(dataDir, 'launcher.out'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--scale'], {
    cwd: REPO_ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      log.write(chunk);
    });
  }
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );

  const processesFile = path.join(dataDir, 'run', 'processes.json');
  const readProcesses = (): ProcessesFile => JSON.parse(readFileSync(processesFile, 'utf8')) as ProcessesFile;
  const cleanUp = async (): Promise<void> => {
    await dropPostgresDatabase(postgresUrl, n8nInstallDir(N8N_VERSION)).catch(() => undefined);
    await dropMysql().catch(() => undefined);
    const redis = new Redis(env.REDIS_URL as string, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      for (const pattern of [`${redisPrefix}*`, `*${stackHash}*`]) {
        const keys = await redis.keys(pattern);
        if (keys.length) await redis.del(...keys);
      }
    } catch {
      // A private Redis may be gone already.
    } finally {
      redis.disconnect();
    }
    if (process.env.AIPHOTO_KEEP_TEST_DATA !== 'true') rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitFor(() => exitCode !== undefined || output.includes('AI Photo (scaled) is running'), {
      timeoutMs: options.timeoutMs ?? 5 * 60_000,
      what: 'npm start -- --scale to be running',
    });
  } catch (err) {
    child.kill('SIGTERM');
    await exited;
    await cleanUp();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  if (exitCode !== undefined) {
    await cleanUp();
    throw new Error(`npm start -- --scale exited with ${exitCode}:\n${output}`);
  }

  const handle: ScaledHandle = {
    publicUrl: readProcesses().publicUrl,
    sandboxUrl: readProcesses().processes.find((p) => p.role === 'sandbox')?.url ?? '',
    dataDir,
    databaseUrl,
    secret,
    admin,
    output: () => output,
    processes: readProcesses,
    entry: (role, index = 1) => {
      const found = readProcesses().processes.find((p) => p.role === role && p.index === index);
      if (!found) throw new Error(`no ${role} ${index} in processes.json`);
      return found;
    },
    kill: (role, index, signal) => {
      const { pid } = handle.entry(role, index);
      if (!pid) throw new Error(`${role} ${index} has no pid (not running)`);
      process.kill(pid, signal);
      return pid;
    },
    restarted: (role, index, oldPid, timeoutMs = 120_000) =>
      waitFor(
        () => handle.entry(role, index),
        (e) => e.state === 'running' && e.pid !== null && e.pid !== oldPid,
        { timeoutMs, what: `${role} ${index} to be running again` },
      ),
    invariant: async (opts) => {
      // A connection of its own each time: the database may have been restarted since.
      const ds = await openDatabase({ type: 'mysql', url: databaseUrl, poolSize: 2 });
      try {
        return await checkSystemInvariant(ds, opts);
      } finally {
        await ds.destroy();
      }
    },
    stop: async () => {
      const pids = [readProcesses().launcherPid, ...readProcesses().processes.map((p) => p.pid)].filter(
        (p): p is number => p !== null,
      );
      child.kill('SIGTERM');
      await exited;
      // Whatever the launcher left behind (it should leave nothing) is killed, and reported.
      const left = pids.filter(alive);
      for (const pid of left) process.kill(pid, 'SIGKILL');
      log.end();
      await cleanUp();
      if (left.length) throw new Error(`processes left running after the launcher stopped: ${left.join(', ')}`);
    },
  };
  return handle;
}

/** Every process of the topology answers on its port (nginx and the backends /health, n8n /healthz). */
export async function answering(entry: ProcessEntry): Promise<boolean> {
  const probe = {
    sandbox: '/sandbox/health',
    nginx: '/health',
    backend: '/health',
    'n8n-main': '/healthz',
    'n8n-webhook': '/healthz',
    'n8n-worker': '/healthz',
  }[entry.role];
  if (!probe) return false;
  try {
    const res = await fetch(`http://127.0.0.1:${entry.port}${probe}`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
