/**
 * Scale-out figures: basic_clean end to end through the scaled topology (nginx → backend
 * replicas on MariaDB + Redis → n8n webhook process → queue → n8n workers → sandbox with
 * precomputed CI → callbacks through nginx), with 1 or 2 n8n workers and 1 or 2 backend
 * replicas, each configuration started fresh by the same code as `npm start -- --scale`. The
 * ceiling of every row is n8n's trivial workflow on that same topology (webhook process → queue →
 * the same workers → one HTTP request out), so the ratio says how much of what n8n itself can do
 * our flow gets; the notes give the CPU each kind of process spent per task, the speed-up against
 * 1 worker × 1 replica, and the machine's load average while the configuration ran.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../../backend/src/db/data-source';
import { fromDbTime } from '../../../backend/src/db/time';
import { n8nInstallDir, N8N_VERSION } from '../../../workflows/src/runtime';
import { privateMariadb, privateRedis, type PrivateServer } from '../../__tests__/support/private-services';
import { dropPostgresDatabase, queryPostgresServer } from '../../scale/databases';
import { scaleSettings, startScaledStack, type ScaledStack } from '../../scale/topology';
import { REPO_ROOT } from '../../child-service';
import { requestJson, signUpMember } from '../../stack-client';
import type { BenchContext } from '../context';
import { latencyOf } from '../load';
import { roleCpuMeter } from '../proc';
import type { BenchCase, BenchRow } from '../registry';
import { garmentPhotos } from '../seed';
import { trivialWorkflow } from '../system';
import { sumOf, trivialCeiling, until, type TrivialCeiling } from '../trivial';

const BATCH = 50;
const CONFIGS = [
  { workers: 1, replicas: 1 },
  { workers: 2, replicas: 1 },
  { workers: 1, replicas: 2 },
  { workers: 2, replicas: 2 },
];

/** The pids of every process the topology started, by role (`backend`: every replica). */
function rolePids(stack: ScaledStack): Record<string, number[]> {
  const pids: Record<string, number[]> = {};
  for (const p of stack.processes()) if (p.pid) (pids[p.role] ??= []).push(p.pid);
  return pids;
}

/**
 * The shared state of the topology: a MariaDB and a Redis of the bench's own (as the fault suite
 * runs, so their CPU and counters are this topology's alone) and n8n's database on the machine's
 * PostgreSQL (its server processes for n8n's connections are found by database name).
 */
interface DataTier {
  mariadb: PrivateServer;
  redis: PrivateServer;
  postgresUrl: string;
  pids(): Promise<Record<string, number[]>>;
  counters(): Promise<Record<string, number>>;
}

const COUNTERS = {
  mariadbStatements: 'MariaDB statements',
  mariadbTransactions: 'MariaDB explicit transactions',
  mariadbFsyncs: 'InnoDB fsyncs',
  redisCommands: 'Redis commands',
  postgresTransactions: 'PostgreSQL transactions',
  postgresRowsWritten: 'PostgreSQL rows written',
} as const;

async function openDataTier(dir: string, postgresUrl: string): Promise<DataTier> {
  const [mariadb, redis] = await Promise.all([
    privateMariadb(path.join(dir, 'mariadb')),
    privateRedis(path.join(dir, 'redis')),
  ]);
  const installDir = n8nInstallDir(N8N_VERSION);
  const postgresPids = async () =>
    (
      await queryPostgresServer<{ pid: number }>(
        postgresUrl,
        installDir,
        'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      )
    ).map((r) => r.pid);
  return {
    mariadb,
    redis,
    postgresUrl,
    pids: async () => ({
      mariadb: [mariadb.pid() ?? 0],
      redis: [redis.pid() ?? 0],
      postgres: await postgresPids(),
    }),
    counters: async () => {
      const conn = await mysql.createConnection({ uri: mariadb.url });
      const [status] = (await conn.query(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit', 'Innodb_data_fsyncs')",
      )) as unknown as [Array<{ Variable_name: string; Value: string }>];
      await conn.end();
      const mariaValue = (name: string) => Number(status.find((r) => r.Variable_name === name)?.Value ?? 0);
      const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      const info = await client.info('stats');
      client.disconnect();
      const [pg] = await queryPostgresServer<{ xact_commit: string; written: string }>(
        postgresUrl,
        installDir,
        'SELECT xact_commit, tup_inserted + tup_updated + tup_deleted AS written FROM pg_stat_database WHERE datname = $1',
      );
      return {
        mariadbStatements: mariaValue('Questions'),
        mariadbTransactions: mariaValue('Com_commit'),
        mariadbFsyncs: mariaValue('Innodb_data_fsyncs'),
        redisCommands: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0),
        postgresTransactions: Number(pg?.xact_commit ?? 0),
        postgresRowsWritten: Number(pg?.written ?? 0),
      };
    },
  };
}

interface Measured {
  perSecond: number;
  done: number;
  latency: BenchRow['latency'];
  cpuMsPerTask: Record<string, number>;
  /** COUNTERS per task. */
  perTask: Record<string, number>;
}

/** Creates `count` basic_clean tasks in batches of 50 through nginx and waits until all finished. */
async function measure(
  stack: ScaledStack,
  data: DataTier,
  ds: DataSource,
  count: number,
  photoOffset: number,
): Promise<Measured> {
  const api = <T>(method: string, url: string, options: { token?: string; body?: unknown } = {}) =>
    requestJson<T>(`${stack.publicUrl}${url}`, { method, ...options });
  const admin = await api<{ token: string }>('POST', '/api/v1/admin/login', {
    body: { username: stack.admin.username, password: stack.admin.password },
  });
  // Every create is a real run: no answer from the result cache.
  await api('PATCH', '/api/v1/admin/task-types/basic_clean', { token: admin.token, body: { cacheable: false } });
  const merchant = await signUpMember({ backend: { url: stack.publicUrl }, sandbox: { url: stack.sandboxUrl ?? '' } });
  await api('POST', `/api/v1/admin/users/${merchant.userId}/adjust`, {
    token: admin.token,
    body: { delta: count + 10, reason: 'bench credits' },
  });
  const keys: string[] = [];
  for (const photo of await garmentPhotos(count + 5, photoOffset)) {
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'garment.jpg');
    const res = await fetch(`${stack.publicUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.token}` },
      body: form,
    });
    if (!res.ok) throw new Error(`upload through nginx answered ${res.status}: ${await res.text()}`);
    keys.push(((await res.json()) as { key: string }).key);
  }
  let polls = 0;
  const finished = async (batchIds: string[]) => {
    polls += 1;
    const marks = batchIds.map(() => '?').join(', ');
    const [row] = (await ds.query(
      `SELECT COUNT(*) AS n FROM tasks WHERE batch_id IN (${marks}) AND status IN ('done', 'failed', 'canceled')`,
      batchIds,
    )) as Array<{ n: number | string }>;
    return Number(row.n);
  };
  const create = (inputKeys: string[]) =>
    api<{ batchId: string }>('POST', '/api/v1/tasks', {
      token: merchant.token,
      body: { type: 'basic_clean', inputKeys },
    });

  // Warm-up: n8n loads the workflow on first use in each process.
  const warm = await create(keys.slice(count));
  await until('warm-up tasks', 120_000, async () => (await finished([warm.batchId])) >= 5);

  const pids = async () => ({ ...rolePids(stack), ...(await data.pids()) });
  const meter = await roleCpuMeter(pids);
  const countersBefore = await data.counters();
  polls = 0;
  const started = performance.now();
  const batches = await Promise.all(
    Array.from({ length: count / BATCH }, (_, i) => create(keys.slice(i * BATCH, (i + 1) * BATCH))),
  );
  const ids = batches.map((b) => b.batchId);
  await until('basic_clean tasks finished', 600_000, async () => (await finished(ids)) >= count);
  const seconds = (performance.now() - started) / 1000;
  const cpuMsPerTask = Object.fromEntries(
    Object.entries(await meter.stop()).map(([role, s]) => [role, (s * 1000) / count]),
  );
  const countersAfter = await data.counters();
  // The bench's own polls are one statement each on the same MariaDB: not the system's work.
  countersAfter.mariadbStatements -= polls;
  const marks = ids.map(() => '?').join(', ');
  const tasks = (await ds.query(
    `SELECT status, created_at, finished_at FROM tasks WHERE batch_id IN (${marks})`,
    ids,
  )) as Array<{ status: string; created_at: string; finished_at: string }>;
  return {
    perSecond: count / seconds,
    done: tasks.filter((t) => t.status === 'done').length,
    latency: latencyOf(
      tasks.map((t) => (fromDbTime(t.finished_at)?.getTime() ?? 0) - (fromDbTime(t.created_at)?.getTime() ?? 0)),
    ),
    cpuMsPerTask,
    perTask: Object.fromEntries(
      Object.entries(countersAfter).map(([name, value]) => [name, (value - countersBefore[name]) / count]),
    ),
  };
}

const ROLE_ORDER = [
  'nginx',
  'backend',
  'n8n-webhook',
  'n8n-worker',
  'n8n-main',
  'sandbox',
  'mariadb',
  'redis',
  'postgres',
];

const cpuText = (ms: Record<string, number>) =>
  ROLE_ORDER.filter((role) => role in ms)
    .map((role) => `${role} ${ms[role].toFixed(1)}`)
    .join(', ');

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface ConfigResult extends Measured {
  workers: number;
  replicas: number;
  trivial: TrivialCeiling;
  load: { before: string; after: string };
}

const scaleOut: BenchCase = {
  name: 'scale-out: basic_clean with 1 vs 2 n8n workers and backend replicas',
  phase: 'own',
  dbs: ['mysql'],
  async run(ctx: BenchContext) {
    const count = ctx.quick ? BATCH : 3 * BATCH;
    const postgresUrl = `postgres://postgres@127.0.0.1:5432/aiphoto_bench_${randomBytes(4).toString('hex')}`;
    // One data folder for every configuration: n8n's encryption key and owner stay with its database.
    const dataDir = mkdtempSync(path.join(ctx.system.dataDir, 'scale-'));
    const data = await openDataTier(path.join(dataDir, 'services'), postgresUrl);
    const databaseUrl = `mysql://root@127.0.0.1:${data.mariadb.port}/aiphoto_bench`;
    const trivialDir = path.join(dataDir, 'trivial-workflow');
    mkdirSync(trivialDir, { recursive: true });
    writeFileSync(path.join(trivialDir, 'trivial.json'), JSON.stringify(trivialWorkflow(ctx.system.bare.url), null, 2));
    const results: ConfigResult[] = [];
    try {
      for (const [i, config] of CONFIGS.entries()) {
        const env: Record<string, string | undefined> = {
          ...ctx.backendEnv,
          DATA_DIR: dataDir,
          // The topology's own sandbox writes its payment keys in its data folder, where the backends look by default.
          SANDBOX_PAY_KEYS_FILE: undefined,
          N8N_WORKERS: String(config.workers),
          BACKEND_REPLICAS: String(config.replicas),
          N8N_POSTGRES_URL: postgresUrl,
          DATABASE_URL: databaseUrl,
          REDIS_URL: data.redis.url,
          PORT: '0',
          N8N_PORT: '0',
          N8N_WEBHOOK_PORT: '0',
          SANDBOX_PORT: '0',
        };
        const label = `${config.workers} worker(s) × ${config.replicas} replica(s)`;
        console.log(`[bench] scale-out: starting ${label}`);
        const t = Date.now();
        const stack = await startScaledStack({
          env,
          dataDir,
          settings: { ...scaleSettings(env), databaseUrl, redisUrl: env.REDIS_URL as string, postgresUrl },
          sandboxTiming: { queueMs: 0, runMs: 0 },
          sandboxCiMode: 'precomputed',
          onStep: (m) => console.log(`[bench] scale-out: ${m}`),
        });
        const ds = await openDatabase({ type: 'mysql', url: databaseUrl, poolSize: 2 });
        try {
          console.log(
            `[bench] scale-out: ${label} ready (${((Date.now() - t) / 1000).toFixed(0)} s), trivial ceiling…`,
          );
          const before = loadAverage();
          await stack.provisionWorkflows(trivialDir);
          const trivial = await trivialCeiling({
            bareUrl: ctx.system.bare.url,
            n8nWebhookUrl: stack.n8nWebhookUrl,
            pids: async () => ({ ...rolePids(stack), ...(await data.pids()) }),
            count,
            connections: BATCH,
          });
          console.log(`[bench] scale-out: ${label} trivial ${trivial.perSecond.toFixed(1)} exec/s, basic_clean…`);
          const measured = await measure(stack, data, ds, count, 1000 * (i + 1));
          console.log(`[bench] scale-out: ${label} basic_clean ${measured.perSecond.toFixed(1)} tasks/s`);
          results.push({ ...config, ...measured, trivial, load: { before, after: loadAverage() } });
        } finally {
          await ds.destroy();
          await stack.close();
        }
      }
    } catch (err) {
      // The processes' logs are in the data folder removed below: keep them for whoever reads the failure.
      const kept = path.join(REPO_ROOT, 'test-artifacts', `bench-scale-out-logs-${Date.now()}`);
      cpSync(path.join(dataDir, 'run', 'logs'), kept, { recursive: true });
      console.error(`[bench] scale-out failed; the processes' logs are in ${path.relative(REPO_ROOT, kept)}`);
      throw err;
    } finally {
      await dropPostgresDatabase(postgresUrl, n8nInstallDir(N8N_VERSION)).catch(() => undefined);
      await Promise.all([data.mariadb.stop(), data.redis.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
    const base = results[0].perSecond;
    return results.map((r) => ({
      name: `basic_clean through nginx, ${r.workers} n8n worker(s) × ${r.replicas} backend replica(s), ${count} images`,
      value: r.perSecond,
      unit: 'tasks/s',
      ceiling: { name: 'n8n trivial workflow, same topology (exec/s)', value: r.trivial.perSecond },
      ratio: r.perSecond / r.trivial.perSecond,
      latency: r.latency,
      notes: [
        `${r.done} of ${count} done; ${(r.perSecond / base).toFixed(2)}× the 1 worker × 1 replica rate`,
        `CPU ms per task: ${cpuText(r.cpuMsPerTask)} (total ${sumOf(r.cpuMsPerTask).toFixed(1)})`,
        `per task: ${Object.entries(COUNTERS)
          .map(([key, what]) => `${r.perTask[key].toFixed(1)} ${what}`)
          .join(', ')}`,
        `CPU ms per trivial execution: ${cpuText(r.trivial.cpuMsPerExecution)} (total ${sumOf(r.trivial.cpuMsPerExecution).toFixed(1)})`,
        ...(r.trivial.refused
          ? [`${r.trivial.refused} of ${count} trivial requests refused 503 by n8n (database ping missed), not counted`]
          : []),
        `load average ${r.load.before} before, ${r.load.after} after`,
      ],
      ...(r.done === count ? {} : { broken: `${count - r.done} of ${count} tasks did not finish done` }),
    }));
  },
};

export default scaleOut;
