/**
 * `npm run bench` (part): the task path on MariaDB + Redis with the real n8n and the zero-delay
 * vendor sandbox. Prints
 *   - task creations per second (n8n stopped meanwhile, so the figure is the backend's own),
 *   - GET /api/v1/tasks/:id requests per second and P95,
 *   - the platform overhead of a basic_clean: POST /tasks → `done` pushed on the WebSocket, P50/P95.
 * Traffic goes to loopback only; every loop is bounded.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import { createEmptyDatabase } from '../backend/src/testing/test-db';
import { buildArtifacts, startStack, type Stack } from './stack';
import { signUpMember } from './stack-client';

const CREATES = Number(process.env.BENCH_CREATES ?? 300);
const READS = Number(process.env.BENCH_READS ?? 3000);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);

type Json = Record<string, unknown>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function pool<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

async function main(): Promise<void> {
  buildArtifacts(() => undefined, { onlyMissing: true });
  const db = await createEmptyDatabase('mysql', 30);
  if (db.config.type !== 'mysql') throw new Error('expected MySQL');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-bench-'));
  let stack: Stack | null = null;
  try {
    stack = await startStack({
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATABASE_URL: db.config.url,
        DATABASE_POOL_SIZE: '30',
        REDIS_URL: process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379/15',
        REDIS_KEY_PREFIX: `bench:${randomUUID()}:`,
        OUTBOX_POLL_INTERVAL_MS: '200',
        RATE_LIMIT_API_PER_15MIN: '1000000',
      },
      dataDir,
      ports: { backend: 0, n8n: 0, sandbox: 0 },
      sandboxTiming: { queueMs: 0, runMs: 0 },
    });
    const base = stack.backend.url;
    const api = async (
      method: string,
      url: string,
      token?: string,
      body?: unknown,
    ): Promise<{ status: number; body: Json }> => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
    };

    // A member with plenty of credits (purchase in the sandbox, then an admin adjustment).
    const { token, userId } = await signUpMember(stack, '13700000001');
    const admin = await api('POST', '/api/v1/admin/login', undefined, {
      username: stack.config.adminBootstrap.username,
      password: stack.config.adminBootstrap.password,
    });
    await api('POST', `/api/v1/admin/users/${userId}/adjust`, String(admin.body.token), {
      delta: CREATES + ROUND_TRIPS + 100,
      reason: 'benchmark credits',
    });

    const image = await sharp({
      create: { width: 900, height: 1000, channels: 3, background: { r: 176, g: 178, b: 180 } },
    })
      .composite([
        {
          input: await sharp({ create: { width: 360, height: 460, channels: 3, background: { r: 190, g: 30, b: 40 } } })
            .png()
            .toBuffer(),
          left: 270,
          top: 270,
        },
      ])
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([image], { type: 'image/jpeg' }), 'g.jpg');
    const uploaded = (await (
      await fetch(`${base}/api/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      })
    ).json()) as { key: string };

    // 1. Creations per second, n8n stopped so nothing but the backend is measured.
    await stack.stopN8n();
    // model_pose12 is never served from the result cache, so every create reserves and enqueues.
    const body = { type: 'model_pose12', inputKey: uploaded.key, params: { scene: 'studio', category: 'dress' } };
    let t = performance.now();
    const created = await pool(CREATES, CONCURRENCY, () => api('POST', '/api/v1/tasks', token, body));
    const createSeconds = (performance.now() - t) / 1000;
    const createdIds = created.filter((r) => r.status === 201).map((r) => String((r.body.tasks as Json[])[0].id));
    if (createdIds.length !== CREATES) throw new Error(`only ${createdIds.length} of ${CREATES} creates succeeded`);
    // Cancel them (refunds) so n8n does not work through them when it returns.
    await pool(createdIds.length, CONCURRENCY, (i) => api('POST', `/api/v1/tasks/${createdIds[i]}/cancel`, token));
    await stack.startN8n();

    // 2. Reads of one task.
    const readId = createdIds[0];
    const latencies: number[] = [];
    t = performance.now();
    await pool(READS, CONCURRENCY, async () => {
      const s = performance.now();
      const r = await api('GET', `/api/v1/tasks/${readId}`, token);
      if (r.status !== 200) throw new Error(`GET /tasks/:id answered ${r.status}`);
      latencies.push(performance.now() - s);
    });
    const readSeconds = (performance.now() - t) / 1000;
    latencies.sort((a, b) => a - b);

    // 3. basic_clean round trips, one at a time: create → `done` on the WebSocket.
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${token}`);
    const waiting = new Map<string, (ms: number) => void>();
    const startedAt = new Map<string, number>();
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as { taskId?: string; status?: string };
      if (m.taskId && m.status === 'done') waiting.get(m.taskId)?.(performance.now() - (startedAt.get(m.taskId) ?? 0));
    });
    await new Promise((resolve) => ws.once('message', resolve));
    const roundTrips: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      // A distinct input per run (the garment shifted by i pixels) so the result cache never answers.
      const variant = await sharp({
        create: { width: 900, height: 1000, channels: 3, background: { r: 176, g: 178, b: 180 } },
      })
        .composite([
          {
            input: await sharp({
              create: { width: 360, height: 460, channels: 3, background: { r: 190, g: 30, b: 40 } },
            })
              .png()
              .toBuffer(),
            left: 200 + i,
            top: 270,
          },
        ])
        .jpeg()
        .toBuffer();
      const f = new FormData();
      f.append('file', new Blob([variant], { type: 'image/jpeg' }), `g${i}.jpg`);
      const key = (
        (await (
          await fetch(`${base}/api/v1/uploads`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
            body: f,
          })
        ).json()) as { key: string }
      ).key;
      const s = performance.now();
      const res = await api('POST', '/api/v1/tasks', token, { type: 'basic_clean', inputKey: key });
      const id = String((res.body.tasks as Json[])[0].id);
      startedAt.set(id, s);
      const ms = await new Promise<number>((resolve, reject) => {
        waiting.set(id, resolve);
        setTimeout(() => {
          void api('GET', `/api/v1/tasks/${id}`, token).then((r) =>
            reject(new Error(`task ${id} not done on the WebSocket within 30 s: ${JSON.stringify(r.body)}`)),
          );
        }, 30_000).unref();
      });
      roundTrips.push(ms);
    }
    ws.close();
    roundTrips.sort((a, b) => a - b);

    console.log(`tasks bench (MariaDB + Redis, real n8n 2.8.4, zero-delay sandbox, concurrency ${CONCURRENCY})`);
    console.log(
      `  creates:          ${CREATES} in ${createSeconds.toFixed(2)} s = ${(CREATES / createSeconds).toFixed(0)} tasks/s`,
    );
    console.log(
      `  GET /tasks/:id:   ${READS} in ${readSeconds.toFixed(2)} s = ${(READS / readSeconds).toFixed(0)} req/s, P50 ${percentile(latencies, 50).toFixed(1)} ms, P95 ${percentile(latencies, 95).toFixed(1)} ms`,
    );
    console.log(
      `  basic_clean create → done on WS (${ROUND_TRIPS} sequential): P50 ${percentile(roundTrips, 50).toFixed(0)} ms, P95 ${percentile(roundTrips, 95).toFixed(0)} ms`,
    );
  } finally {
    await stack?.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
