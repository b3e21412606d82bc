/**
 * nginx from the operating system's package in front of the backend replicas, with the repo's
 * own `deploy/nginx.conf` (the file docker-compose.yml mounts as the nginx image's template).
 * The two `${NAME}`s of the template are replaced as the image's envsubst step does — only those
 * names, so nginx's own `$variables` stay — into `<runDir>/nginx/aiphoto.conf`, which a small main
 * configuration (pid, logs and temp folders under `<runDir>/nginx`, foreground) includes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../child-service';
import type { StartedProcess } from './supervisor';

export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'deploy/nginx.conf');
/** The names the template expects, set by docker-compose.yml's nginx service too. */
export const NGINX_TEMPLATE_NAMES = ['AIPHOTO_LISTEN', 'AIPHOTO_BACKEND_SERVERS'] as const;

/** envsubst restricted to `names`, as the nginx image runs it on /etc/nginx/templates/*.template. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name] : whole,
  );
}

/** The upstream lines for the replicas (the same options docker-compose.yml gives its one service name). */
export function backendServers(backends: Array<{ host: string; port: number }>): string {
  return backends.map((b) => `server ${b.host}:${b.port} max_fails=1 fail_timeout=5s;`).join('\n    ');
}

/** `NGINX_BIN`, else `nginx` on PATH, else Debian's /usr/sbin/nginx (sbin is not always on PATH). */
export function findNginx(env: Record<string, string | undefined>): string {
  if (env.NGINX_BIN) return env.NGINX_BIN;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'nginx'))) return path.join(dir, 'nginx');
  }
  if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  throw new Error('nginx is not installed: install it (Debian: apt-get install nginx) or set NGINX_BIN');
}

export interface NginxOptions {
  bin: string;
  /** `<DATA_DIR>/run`: the configuration, pid, logs and temp folders go to `<runDir>/nginx`. */
  runDir: string;
  listenPort: number;
  backends: Array<{ host: string; port: number }>;
}

/** Writes both configuration files and has nginx check them (`nginx -t`); returns the main file. */
export async function writeNginxConfig(options: NginxOptions): Promise<{ prefix: string; mainFile: string }> {
  const prefix = path.join(options.runDir, 'nginx');
  for (const dir of ['tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi']) {
    await fs.mkdir(path.join(prefix, dir), { recursive: true });
  }
  const site = renderTemplate(await fs.readFile(NGINX_TEMPLATE, 'utf8'), {
    AIPHOTO_LISTEN: `127.0.0.1:${options.listenPort}`,
    AIPHOTO_BACKEND_SERVERS: backendServers(options.backends),
  });
  await fs.writeFile(path.join(prefix, 'aiphoto.conf'), site);
  const user = os.userInfo();
  const main = [
    '# Written by npm start -- --scale (scripts/scale/nginx.ts); the site is deploy/nginx.conf.',
    // As root, the workers would otherwise run as nobody, who cannot write the temp folders here.
    ...(user.uid === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    'daemon off;',
    `pid ${path.join(prefix, 'nginx.pid')};`,
    `error_log ${path.join(prefix, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `    access_log ${path.join(prefix, 'access.log')};`,
    `    client_body_temp_path ${path.join(prefix, 'tmp/body')};`,
    `    proxy_temp_path ${path.join(prefix, 'tmp/proxy')};`,
    `    fastcgi_temp_path ${path.join(prefix, 'tmp/fastcgi')};`,
    `    uwsgi_temp_path ${path.join(prefix, 'tmp/uwsgi')};`,
    `    scgi_temp_path ${path.join(prefix, 'tmp/scgi')};`,
    `    include ${path.join(prefix, 'aiphoto.conf')};`,
    '}',
    '',
  ].join('\n');
  const mainFile = path.join(prefix, 'nginx.conf');
  await fs.writeFile(mainFile, main);
  try {
    execFileSync(options.bin, ['-t', '-q', '-p', `${prefix}/`, '-e', path.join(prefix, 'error.log'), '-c', mainFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    throw new Error(`nginx refused ${mainFile}: ${stderr.trim()}`);
  }
  return { prefix, mainFile };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts nginx in the foreground (master + one worker) and resolves once its port accepts connections. */
export async function startNginx(options: NginxOptions): Promise<StartedProcess> {
  const { prefix, mainFile } = await writeNginxConfig(options);
  const logFile = path.join(prefix, 'error.log');
  const out = createWriteStream(path.join(prefix, 'nginx.out'), { flags: 'a' });
  const child = spawn(options.bin, ['-p', `${prefix}/`, '-e', logFile, '-c', mainFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  let gone = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      gone = true;
      resolve(code);
    }),
  );
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (!gone) {
      // SIGTERM: fast shutdown (SIGQUIT would wait for open WebSockets).
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(grace);
    }
    out.end();
  };
  const deadline = Date.now() + 15_000;
  while (!(await listening(options.listenPort))) {
    if (gone || Date.now() > deadline) {
      await stop();
      const log = await fs.readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`nginx did not start on port ${options.listenPort}: ${log.split('\n').slice(-10).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { pid: child.pid as number, url: `http://127.0.0.1:${options.listenPort}`, logFile, exited, stop };
}
