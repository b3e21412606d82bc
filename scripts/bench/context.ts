/**
 * One database's part of a bench run: per phase a fresh database (a new SQLite file, or a new
 * MariaDB database with its own Redis key prefix), the bench's own connection to it, the backend
 * process of the phase, and small helpers cases share (admin, merchants with exact credits,
 * uploads, ceilings). A phase never inherits another's data: the api phase leaves hundreds of
 * tasks its stand-in n8n accepted but never finished, which a later backend on the same database
 * would time out and refund (the watchdog) inside the flow phase's measured windows.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../backend/src/db/data-source';
import { openDatabase } from '../../backend/src/db/data-source';
import { createEmptyDatabase } from '../../backend/src/testing/test-db';
import { freePort } from '../../workflows/src/runtime';
import { startBackendProcess, type BackendProcess } from '../backend-process';
import { requestJson, signUpMember, type Merchant } from '../stack-client';
import { stackBackendEnv } from '../stack';
import { rssMiB } from './proc';
import { connectWindowProfiler } from './window-profiler';
import type { BenchPhase, DbKind } from './registry';
import type { BenchSystem } from './system';

type Env = Record<string, string | undefined>;

export interface BenchContext {
  db: DbKind;
  quick: boolean;
  system: BenchSystem;
  /** The current phase's database. */
  database: DatabaseConfig;
  /** The bench's own connection to it (seeding, polling, invariant checks); never the backend's. */
  ds: DataSource;
  /** Settings of the phase's backends (database, Redis, sandbox); PORT and N8N_BASE_URL per phase. */
  backendEnv: Env;
  /** The backend of the current phase (`api` or `flow`). */
  backend: BackendProcess;
  /** Seconds each load run lasts. */
  seconds: number;
  /** A JSON call to the current backend; throws on anything but 2xx. */
  api<T>(method: string, urlPath: string, options?: { token?: string; body?: unknown }): Promise<T>;
  adminToken(): Promise<string>;
  /** A new paid merchant holding exactly `credits`. */
  merchant(credits: number): Promise<Merchant>;
  /** Uploads an image through the API; answers its input key. */
  upload(token: string, image: Buffer): Promise<string>;
  /** Measured once per database and phase, then reused by every case that compares against it. */
  ceiling<T>(key: string, measure: () => Promise<T>): Promise<T>;
  /** Resident memory of the current backend (MiB). */
  backendRss(): number;
  /**
   * Runs a case's measured section; with --profile, the backend's CPU is profiled over exactly
   * that section and saved as `<profile dir>/<db>-<label>.cpuprofile`.
   */
  profiled<T>(label: string, section: () => Promise<T>): Promise<T>;
}

export interface BenchEnvironment {
  ctx(): BenchContext;
  /** Starts the phase's backend on a fresh database (stopping the previous one). */
  enterPhase(phase: BenchPhase): Promise<void>;
  close(): Promise<void>;
}

/** A fresh database of its own for one phase, and the backend settings pointing at it. */
interface PhaseData {
  dataDir: string;
  database: DatabaseConfig;
  backendEnv: Env;
  drop(): Promise<void>;
}

async function freshData(system: BenchSystem, db: DbKind, phase: BenchPhase): Promise<PhaseData> {
  // The backend's DATA_DIR holds its SQLite file; the sandbox's payment keys stay in the run's folder.
  const dataDir = mkdtempSync(path.join(system.dataDir, `${db}-${phase}-`));
  const mysql = db === 'mysql' ? await createEmptyDatabase('mysql', 10) : null;
  const database: DatabaseConfig = mysql
    ? mysql.config
    : { type: 'sqlite', file: path.join(dataDir, 'aiphoto.sqlite') };
  const backendEnv: Env = {
    ...system.env,
    DATA_DIR: dataDir,
    SANDBOX_PAY_KEYS_FILE: path.join(system.dataDir, 'sandbox-keys.json'),
    DATABASE_URL: mysql?.config.type === 'mysql' ? mysql.config.url : undefined,
    REDIS_URL: mysql ? (process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379/15') : undefined,
    REDIS_KEY_PREFIX: `bench:${randomUUID()}:`,
  };
  return { dataDir, database, backendEnv, drop: async () => mysql?.drop() };
}

export async function openEnvironment(system: BenchSystem, db: DbKind, quick: boolean): Promise<BenchEnvironment> {
  let data = await freshData(system, db, 'api');
  const dropped: Array<() => Promise<void>> = [];
  let backend: BackendProcess | null = null;
  let ds: DataSource | null = null;
  let adminToken: string | null = null;
  const ceilings = new Map<string, Promise<unknown>>();
  let phase: BenchPhase = 'api';
  let inspectorPort: number | null = null;

  const api = <T>(method: string, urlPath: string, options: { token?: string; body?: unknown } = {}) => {
    if (!backend) throw new Error(`no backend runs in phase ${phase}`);
    return requestJson<T>(`${backend.url}${urlPath}`, { method, ...options });
  };
  const ctx: BenchContext = {
    db,
    quick,
    system,
    get database() {
      return data.database;
    },
    get ds() {
      if (!ds) throw new Error('the database is opened when the first backend starts');
      return ds;
    },
    get backendEnv() {
      return data.backendEnv;
    },
    get backend() {
      if (!backend) throw new Error(`no backend runs in phase ${phase}`);
      return backend;
    },
    seconds: quick ? 3 : 8,
    api,
    adminToken: async () => {
      adminToken ??= (
        await api<{ token: string }>('POST', '/api/v1/admin/login', {
          // The bench sets the first admin's password for the run (scripts/bench/system.ts).
          body: {
            username: ctx.backend.config.adminBootstrap.username,
            password: ctx.backendEnv.ADMIN_BOOTSTRAP_PASSWORD,
          },
        })
      ).token;
      return adminToken;
    },
    merchant: async (credits) => {
      const merchant = await signUpMember({ backend: ctx.backend, sandbox: system.sandbox });
      const me = await api<{ quotaRemaining: number }>('GET', '/api/v1/me', { token: merchant.token });
      if (me.quotaRemaining !== credits)
        await api('POST', `/api/v1/admin/users/${merchant.userId}/adjust`, {
          token: await ctx.adminToken(),
          body: { delta: credits - me.quotaRemaining, reason: 'bench credits' },
        });
      return merchant;
    },
    upload: async (token, image) => {
      const form = new FormData();
      form.append('file', new Blob([image], { type: 'image/jpeg' }), 'garment.jpg');
      const res = await fetch(`${ctx.backend.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      if (!res.ok) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { key: string }).key;
    },
    ceiling: <T>(key: string, measure: () => Promise<T>) => {
      const full = `${phase}:${key}`;
      if (!ceilings.has(full)) ceilings.set(full, measure());
      return ceilings.get(full) as Promise<T>;
    },
    backendRss: () => (backend ? rssMiB(backend.pid) : 0),
    profiled: async (label, section) => {
      if (!system.profileDir || inspectorPort === null) return section();
      const profiler = await connectWindowProfiler(inspectorPort);
      try {
        await profiler.start();
        const result = await section();
        const file = path.join(system.profileDir, `${db}-${label.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
        writeFileSync(file, JSON.stringify(await profiler.stop()));
        console.log(`[bench] ${db}: CPU profile of "${label}" → ${path.relative(process.cwd(), file)}`);
        return result;
      } finally {
        profiler.close();
      }
    },
  };

  const stopBackend = async () => {
    await backend?.close();
    backend = null;
  };
  return {
    ctx: () => ctx,
    enterPhase: async (next) => {
      await stopBackend();
      if (ds) {
        // The previous phase used its database: this one starts on a new one.
        if (ds.isInitialized) await ds.destroy();
        ds = null;
        dropped.push(data.drop);
        data = await freshData(system, db, next);
        adminToken = null;
      }
      phase = next;
      if (next === 'own') return;
      const port = await freePort();
      // api: dispatches go to the bare server, which accepts them at once (no workflow runs);
      // flow: to the real n8n, (re)pointed at this backend before it starts.
      const n8nUrl = next === 'flow' ? (await system.n8n(`http://127.0.0.1:${port}`)).url : system.bare.url;
      const env = stackBackendEnv(data.backendEnv, {
        dataDir: data.dataDir,
        port,
        n8nUrl,
        sandboxUrl: system.sandbox.url,
      });
      // With --profile the inspector listens on loopback so `profiled` can sample a case's window.
      inspectorPort = system.profileDir ? await freePort() : null;
      backend = await startBackendProcess({
        env,
        nodeArgs: inspectorPort === null ? [] : [`--inspect=127.0.0.1:${inspectorPort}`],
      });
      ds = await openDatabase(data.database);
    },
    close: async () => {
      await stopBackend();
      if (ds?.isInitialized) await ds.destroy();
      for (const drop of [...dropped, data.drop]) await drop();
    },
  };
}
