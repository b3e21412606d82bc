/**
 * docker-compose.yml kept true by tests: Debian's docker-compose (1.29, no engine needed for
 * `config`) parses it, interpolates it and validates it against the Compose schema it ships; the
 * normalised result must describe the processes, settings and nginx configuration that
 * `npm start -- --scale` runs (scripts/scale/topology.ts), which its own e2e suite proves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../child-service';
import { backendServers, NGINX_TEMPLATE, NGINX_TEMPLATE_NAMES, renderTemplate } from '../scale/nginx';
import { n8nQueueModeEnv, scaleSettings, scaledBackendEnv, SCALE_ROLES } from '../scale/topology';
import { N8N_VERSION } from '../../workflows/src/runtime';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  deploy?: { replicas?: number };
  profiles?: string[];
}

const SECRETS = {
  N8N_DB_PASSWORD: 'n8n-db-password',
  N8N_ENCRYPTION_KEY: 'n8n-encryption-key',
  MYSQL_PASSWORD: 'mysql-password',
  MYSQL_ROOT_PASSWORD: 'mysql-root-password',
  PUBLIC_BASE_URL: 'https://photos.example.com',
};

/**
 * `docker-compose config` in a project folder of its own: relative paths resolve there and the
 * backend's `env_file: .env` is an empty file, so a developer's own .env never leaks in.
 */
function composeConfig(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const project = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-compose-'));
  try {
    writeFileSync(path.join(project, '.env'), '');
    const run = spawnSync(
      'docker-compose',
      ['-f', path.join(REPO_ROOT, 'docker-compose.yml'), '--project-directory', project, 'config'],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } },
    );
    if (run.error) {
      throw new Error(
        `docker-compose could not run (${run.error.message}): install Debian's package (apt-get install --no-install-recommends docker-compose; .ci/run does)`,
      );
    }
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** The --scale role of each compose service; the others hold data. */
const ROLE_OF_SERVICE: Record<string, string> = {
  n8n: 'n8n-main',
  'n8n-webhook': 'n8n-webhook',
  'n8n-worker': 'n8n-worker',
  backend: 'backend',
  nginx: 'nginx',
  sandbox: 'sandbox',
};
const DATA_SERVICES = ['mysql', 'redis', 'postgres'];
/** Runs once and exits: what the launcher does itself before the replicas start. */
const ONE_SHOT = ['migrate'];

let services: Record<string, Service>;

beforeAll(() => {
  const result = composeConfig(SECRETS);
  expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
    status: 0,
    stderr: '',
  });
  services = (parse(result.stdout) as { services: Record<string, Service> }).services;
});

describe('docker-compose.yml', () => {
  it('is valid Compose: docker-compose parses, interpolates and validates it', () => {
    expect(Object.keys(services).sort()).toEqual(
      [...DATA_SERVICES, ...ONE_SHOT, ...Object.keys(ROLE_OF_SERVICE)].sort(),
    );
  });

  it('refuses to render without its secrets (the ${VAR:?} guards)', () => {
    const { N8N_ENCRYPTION_KEY: _omitted, ...rest } = SECRETS;
    const result = composeConfig(rest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set N8N_ENCRYPTION_KEY');
  });

  it('has one service for every process role of npm start -- --scale, and as many replicas by default', () => {
    expect(Object.values(ROLE_OF_SERVICE).sort()).toEqual([...SCALE_ROLES].sort());
    const defaults = scaleSettings({});
    expect(services['n8n-worker'].deploy?.replicas).toBe(defaults.workers);
    expect(services.backend.deploy?.replicas).toBe(defaults.replicas);
    expect(services['n8n-webhook'].command).toEqual(['webhook']);
    expect(services['n8n-worker'].command).toEqual(['worker', `--concurrency=${defaults.workerConcurrency}`]);
    expect(services.n8n.command).toBeUndefined();
    for (const name of ['n8n', 'n8n-webhook', 'n8n-worker'])
      expect(services[name].image).toBe(`docker.n8n.io/n8nio/n8n:${N8N_VERSION}`);
    // The sandbox only on request, never beside live backends by default.
    expect(services.sandbox.profiles).toEqual(['sandbox']);
  });

  it('gives every n8n process the queue-mode settings the launcher gives its n8n processes', () => {
    const launcher = n8nQueueModeEnv({
      postgresUrl: 'postgres://n8n:pw@postgres:5432/n8n',
      redisUrl: 'redis://redis:6379/0',
      keyPrefix: 'aiphoto',
      redisTimeoutMs: '60000',
      encryptionKey: 'k',
      webhookUrl: 'http://n8n-webhook:5678',
      editorUrl: 'http://localhost:5678',
    });
    const fixed = [
      'EXECUTIONS_MODE',
      'DB_TYPE',
      'DB_POSTGRESDB_HOST',
      'DB_POSTGRESDB_PORT',
      'DB_POSTGRESDB_DATABASE',
      'DB_POSTGRESDB_USER',
      'QUEUE_BULL_REDIS_HOST',
      'QUEUE_BULL_REDIS_PORT',
      'QUEUE_BULL_REDIS_DB',
      'QUEUE_BULL_PREFIX',
      'N8N_REDIS_KEY_PREFIX',
      'QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD',
      'N8N_DISABLE_PRODUCTION_MAIN_PROCESS',
      'OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS',
      'WEBHOOK_URL',
      'N8N_EDITOR_BASE_URL',
    ];
    for (const name of ['n8n', 'n8n-webhook', 'n8n-worker']) {
      const env = services[name].environment ?? {};
      expect({ service: name, missing: Object.keys(launcher).filter((key) => !(key in env)) }).toEqual({
        service: name,
        missing: [],
      });
      for (const key of fixed)
        expect({ service: name, key, value: env[key] }).toEqual({ service: name, key, value: launcher[key] });
      expect(env.N8N_ENCRYPTION_KEY).toBe(SECRETS.N8N_ENCRYPTION_KEY);
      expect(env.DB_POSTGRESDB_PASSWORD).toBe(SECRETS.N8N_DB_PASSWORD);
      // Our nodes where the launcher installs them: <user folder>/.n8n/nodes/node_modules/n8n-nodes-aiphoto.
      expect(services[name].volumes).toContainEqual(
        expect.stringMatching(/\/n8n-nodes-aiphoto:\/home\/node\/\.n8n\/nodes\/node_modules\/n8n-nodes-aiphoto:ro$/),
      );
    }
    // startN8n's worker role: the health server on the worker's port.
    expect(services['n8n-worker'].environment).toMatchObject({
      QUEUE_HEALTH_CHECK_ACTIVE: 'true',
      QUEUE_HEALTH_CHECK_PORT: '5678',
    });
    expect(services.redis.command).toEqual(['redis-server', '--appendonly', 'yes']);
  });

  it('runs the backends as the launcher does: MySQL, Redis, one trusted proxy hop, dispatching to the webhook process', () => {
    const env = services.backend.environment ?? {};
    const launcher = scaledBackendEnv({ databaseUrl: '', redisUrl: '', publicUrl: '', n8nWebhookUrl: '' });
    expect(Object.keys(launcher).filter((key) => !(key in env))).toEqual([]);
    expect(env.TRUST_PROXY).toBe(launcher.TRUST_PROXY);
    expect(new URL(env.DATABASE_URL).host).toBe('mysql:3306');
    expect(new URL(env.REDIS_URL).host).toBe('redis:6379');
    expect(new URL(env.N8N_BASE_URL).hostname).toBe('n8n-webhook');
    expect(env.PUBLIC_BASE_URL).toBe(SECRETS.PUBLIC_BASE_URL);
    expect(env.NODE_ENV).toBe('production');
    // Migrated once before any replica starts, as the launcher does (no two replicas migrate at once).
    expect((services.backend as { depends_on?: Record<string, { condition: string }> }).depends_on?.migrate).toEqual({
      condition: 'service_completed_successfully',
    });
    expect(services.migrate.command).toEqual(['node', 'backend/dist/cli/migrate.js']);
    expect(services.migrate.environment?.DATABASE_URL).toBe(env.DATABASE_URL);
  });

  it("puts nginx in front with the repo's deploy/nginx.conf, its placeholders filled like the launcher fills them", () => {
    const nginx = services.nginx;
    expect(nginx.volumes).toContainEqual(
      expect.stringMatching(/\/deploy\/nginx\.conf:\/etc\/nginx\/templates\/default\.conf\.template:ro$/),
    );
    expect(Object.keys(nginx.environment ?? {}).sort()).toEqual([...NGINX_TEMPLATE_NAMES].sort());
    expect(nginx.environment?.AIPHOTO_BACKEND_SERVERS).toBe(backendServers([{ host: 'backend', port: 3000 }]));
    const site = renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), nginx.environment ?? {});
    expect(site).not.toMatch(/\$\{AIPHOTO_/);
    expect(site).toContain('listen 80;');
    expect(site).toContain('server backend:3000 max_fails=1 fail_timeout=5s;');
    // Only nginx is published besides the n8n editor, which stays on the host's loopback.
    const published = Object.entries(services)
      .filter(([, s]) => (s as { ports?: unknown[] }).ports?.length && !s.profiles)
      .map(([name]) => name)
      .sort();
    expect(published).toEqual(['n8n', 'nginx']);
  });
});
