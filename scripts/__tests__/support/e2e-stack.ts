/**
 * What the end-to-end suites that drive the whole stack share: a MariaDB database, a Redis key
 * prefix and a data folder of their own, the stack (sandbox, backend, pinned n8n) on spare ports
 * with quick outbox and watchdog timings, and the HTTP calls they make on it as a merchant.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../../backend/src/db/data-source';
import { createEmptyDatabase } from '../../../backend/src/testing/test-db';
import { waitFor } from '../../../jest/wait-for';
import { buildArtifacts, startStack, type Stack } from '../../stack';
import type { Merchant } from '../../stack-client';

export interface E2eStack {
  stack: Stack;
  /** The environment the stack runs with (for `vendorSettings` and the like). */
  env: NodeJS.ProcessEnv;
  dataDir: string;
  database: DatabaseConfig;
  /** Stops the stack, drops the database and removes the data folder. */
  close(): Promise<void>;
}

/**
 * Starts the stack on a fresh MariaDB database (`poolSize` connections, 10 unless told) with the
 * n8n shared secret given (a random one unless told); `name` labels the data folder and secret.
 */
export async function startE2eStack(options: {
  name: string;
  poolSize?: number;
  sharedSecret?: string;
}): Promise<E2eStack> {
  buildArtifacts(() => undefined, { onlyMissing: true });
  const poolSize = options.poolSize ?? 10;
  const db = await createEmptyDatabase('mysql', poolSize);
  if (db.config.type !== 'mysql') {
    await db.drop();
    throw new Error('expected MySQL');
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `aiphoto-${options.name}-`));
  const removeAll = async () => {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.config.url,
    DATABASE_POOL_SIZE: String(poolSize),
    REDIS_URL: process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379/15',
    REDIS_KEY_PREFIX: `e2e:${randomUUID()}:`,
    N8N_SHARED_SECRET: options.sharedSecret ?? `${options.name}-e2e-${randomUUID()}`,
    OUTBOX_POLL_INTERVAL_MS: '200',
    OUTBOX_MAX_BACKOFF_MS: '1000',
    TASK_WATCHDOG_INTERVAL_MS: '500',
  };
  let stack: Stack;
  try {
    stack = await startStack({
      env,
      dataDir,
      ports: { backend: 0, n8n: 0, sandbox: 0 },
      sandboxTiming: { queueMs: 0, runMs: 300 },
    });
  } catch (err) {
    await removeAll();
    throw err;
  }
  return {
    stack,
    env,
    dataDir,
    database: db.config,
    close: async () => {
      await stack.close();
      await removeAll();
    },
  };
}

// Response bodies are asserted field by field, so the body is left untyped here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBody = any;

/**
 * The public API calls a suite makes, on the backend `backendUrl()` names at call time (the stack
 * starts in `beforeAll`, after the suite's module has run). A task counts as finished once it is
 * done, failed or canceled; `finished` waits `finishTimeoutMs` for that unless told otherwise.
 */
export function merchantApi(backendUrl: () => string, options: { finishTimeoutMs?: number } = {}) {
  async function call(
    method: string,
    url: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: AnyBody }> {
    const res = await fetch(`${backendUrl()}${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Uploads a JPEG under `fileName`; answers the upload key. */
  async function upload(m: Merchant, image: Buffer, fileName = 'garment.jpg'): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), fileName);
    const res = await fetch(`${backendUrl()}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${m.token}` },
      body: form,
    });
    expect(res.status).toBeLessThan(300);
    return ((await res.json()) as { key: string }).key;
  }

  async function finished(m: Merchant, taskId: string, timeoutMs = options.finishTimeoutMs ?? 90_000) {
    const res = await waitFor(
      () => call('GET', `/api/v1/tasks/${taskId}`, m.token),
      (r) => ['done', 'failed', 'canceled'].includes(r.body.status),
      { timeoutMs, what: `task ${taskId} to finish` },
    );
    return res.body;
  }

  const quota = async (m: Merchant) => (await call('GET', '/api/v1/me', m.token)).body.quotaRemaining as number;

  return { call, upload, finished, quota };
}
