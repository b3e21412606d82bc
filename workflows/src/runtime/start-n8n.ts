import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureN8nInstalled } from './install-n8n';
import { encryptionKeyFile, n8nBinPath } from './paths';

type Env = Record<string, string | undefined>;

/**
 * Which n8n process: `main` (`n8n start`: editor, REST and public API, triggers; in queue mode it
 * enqueues executions), `webhook` (`n8n webhook`: production webhooks only, queue mode) or
 * `worker` (`n8n worker`: runs queued executions; its port is the health server's).
 */
export type N8nRole = 'main' | 'webhook' | 'worker';

export interface StartN8nOptions {
  /** Default `main`. */
  role?: N8nRole;
  /** Extra command-line arguments, e.g. `--concurrency=5` for a worker. */
  args?: string[];
  /** `N8N_USER_FOLDER`: n8n keeps its SQLite database and settings in `<userFolder>/.n8n`. */
  userFolder: string;
  port: number;
  /** Extra or overriding environment for n8n (e.g. `N8N_ENCRYPTION_KEY`, `WEBHOOK_URL`). */
  env?: Env;
  /** Folder of an installed n8n (from `ensureN8nInstalled`); defaults to the pinned cache. */
  installDir?: string;
  /** Defaults to `<userFolder>/n8n.log` (appended). */
  logFile?: string;
  readyTimeoutMs?: number;
}

export interface RunningN8n {
  url: string;
  pid: number;
  logFile: string;
  role: N8nRole;
  /** Resolves with the exit code (null when ended by a signal) once the process is gone. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Ports this process has handed out: a caller may not have bound the last one yet. */
const handedOut = new Set<number>();

function osPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A port nobody listens on right now (the OS picks it), never one this process handed out
 * before: the OS may offer a just-released port again, e.g. n8n's own port as the task-runner
 * broker port before n8n has bound either.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await osPickedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port that was not handed out already');
}

/**
 * n8n refuses to start when the key in `.n8n/config` differs from N8N_ENCRYPTION_KEY, so the
 * generated key is kept beside the data it encrypts and reused on every start.
 */
export async function loadOrCreateEncryptionKey(userFolder: string): Promise<string> {
  const file = encryptionKeyFile(userFolder);
  if (existsSync(file)) return (await fs.readFile(file, 'utf8')).trim();
  const key = randomBytes(24).toString('hex');
  await fs.writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** The headless settings of docs/vendor-facts.md; the caller's `env` wins over every default here. */
export function headlessEnv(options: {
  userFolder: string;
  port: number;
  encryptionKey: string;
  brokerPort: number;
}): Env {
  const url = `http://127.0.0.1:${options.port}`;
  return {
    // Jest exports NODE_ENV=test, and n8n refuses to load nodes in its own test mode.
    NODE_ENV: 'production',
    N8N_USER_FOLDER: options.userFolder,
    DB_TYPE: 'sqlite',
    N8N_PORT: String(options.port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    N8N_EDITOR_BASE_URL: url,
    WEBHOOK_URL: `${url}/`,
    N8N_SECURE_COOKIE: 'false',
    N8N_ENCRYPTION_KEY: options.encryptionKey,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    // The task runner broker defaults to 5679: a second n8n on the machine (npm start next to
    // the e2e tests) would fail to bind it.
    N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
    EXECUTIONS_DATA_PRUNE: 'true',
    EXECUTIONS_DATA_MAX_AGE: '168',
    N8N_LOG_LEVEL: 'info',
  };
}

async function tail(file: string, lines = 40): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function isOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts n8n as a child process and resolves once it is ready: a main once it serves its REST
 * API (readiness = DB connected and migrated, then `/rest/settings`, which only answers after
 * the controllers are mounted), a webhook process or worker once `/healthz/readiness` answers.
 * Rejects with the tail of the log if n8n exits or does not come up in time.
 */
export async function startN8n(options: StartN8nOptions): Promise<RunningN8n> {
  const userFolder = path.resolve(options.userFolder);
  await fs.mkdir(userFolder, { recursive: true });
  const installDir = options.installDir ?? (await ensureN8nInstalled()).dir;
  const logFile = options.logFile ?? path.join(userFolder, 'n8n.log');
  const encryptionKey = options.env?.N8N_ENCRYPTION_KEY ?? (await loadOrCreateEncryptionKey(userFolder));
  const brokerPort = options.env?.N8N_RUNNERS_BROKER_PORT
    ? Number(options.env.N8N_RUNNERS_BROKER_PORT)
    : await freePort();
  const env = {
    ...process.env,
    ...headlessEnv({ userFolder, port: options.port, encryptionKey, brokerPort }),
    ...options.env,
  };
  const role = options.role ?? 'main';
  if (role === 'worker') {
    // A worker serves no editor; its port is the health server's (`/healthz/readiness`).
    Object.assign(env, {
      QUEUE_HEALTH_CHECK_ACTIVE: 'true',
      QUEUE_HEALTH_CHECK_PORT: String(options.port),
      N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
      ...options.env,
    });
  }
  const url = `http://127.0.0.1:${options.port}`;
  const command = { main: 'start', webhook: 'webhook', worker: 'worker' }[role];

  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`\n--- n8n ${command} ${new Date().toISOString()} port ${options.port} ---\n`);
  const child = spawn(process.execPath, [n8nBinPath(installDir), command, ...(options.args ?? [])], {
    cwd: userFolder,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });

  let exited = false;
  const exitPromise = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    });
  });
  // If the parent dies without calling stop(), do not leave n8n running on its own.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitPromise;
      clearTimeout(grace);
    }
    await new Promise((resolve) => log.end(resolve));
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  // The editor's REST API answers only after its controllers are mounted (main only).
  const probes = role === 'main' ? [`${url}/healthz/readiness`, `${url}/rest/settings`] : [`${url}/healthz/readiness`];
  for (const probe of probes) {
    while (!(await isOk(probe))) {
      if (exited || Date.now() > deadline) {
        // Said before stop(): stopping makes a late n8n exit too, which must not read as its own exit.
        const why = exited
          ? `exited with code ${child.exitCode}`
          : `did not become ready in ${options.readyTimeoutMs ?? 120_000} ms`;
        await stop();
        throw new Error(`n8n ${why} (${probe}); last log lines from ${logFile}:\n${await tail(logFile)}`);
      }
      await sleep(250);
    }
  }
  return { url, pid: child.pid as number, logFile, role, exited: exitPromise, stop };
}
