/**
 * `npm start -- --scale` for real: n8n in queue mode (main, webhook process, 2 workers, n8n's data
 * in PostgreSQL), 2 backend replicas on MariaDB + Redis, nginx in front with deploy/nginx.conf.
 * A merchant goes through nginx only: SMS login, sandbox payment, basic_clean and model_pose12
 * with progress over the WebSocket; the executions run on the workers; the ledger holds. Then
 * the faults of docs/architecture.md §10, one after another on the same topology, each ending
 * with the ledger invariant: the n8n main, a backend replica and an n8n worker killed, the
 * database restarted, Redis gone for 30 s. The topology runs on a Redis and a MariaDB of this
 * suite's own (spare ports, own data folders), so stopping them touches nothing shared.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as pause } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import { waitFor } from '../../jest/wait-for';
import { payMembership, signInMerchant, type Merchant } from '../stack-client';
import { privateMariadb, privateRedis, type PrivateServer } from './support/private-services';
import { answering, launchScaled, type ScaledHandle } from './support/scaled-stack';

jest.setTimeout(120_000);

let scaled: ScaledHandle;
let redis: PrivateServer;
let mariadb: PrivateServer;
let servicesDir: string;

beforeAll(async () => {
  servicesDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-scale-services-'));
  [redis, mariadb] = await Promise.all([
    privateRedis(path.join(servicesDir, 'redis')),
    privateMariadb(path.join(servicesDir, 'mariadb')),
  ]);
  // The fault tests poll many tasks at once: the API limit (1000 per merchant per 15 min) is not their subject.
  scaled = await launchScaled({
    // Five runs at a time per worker: with 20 model_pose12 accepted, 10 run and 10 wait in the queue.
    env: { REDIS_URL: redis.url, RATE_LIMIT_API_PER_15MIN: '1000000', N8N_WORKER_CONCURRENCY: '5' },
    mysqlAdminUrl: mariadb.url,
  });
}, 7 * 60_000);

afterAll(async () => {
  await scaled?.stop();
  await redis?.stop();
  await mariadb?.stop();
  if (servicesDir) rmSync(servicesDir, { recursive: true, force: true });
}, 120_000);

// Response bodies are asserted field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBody = any;

async function call(method: string, url: string, token?: string, body?: unknown) {
  const res = await fetch(`${scaled.publicUrl}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as AnyBody };
}

async function garment(): Promise<Buffer> {
  const shape = await sharp({ create: { width: 300, height: 380, channels: 3, background: { r: 190, g: 30, b: 35 } } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 800, height: 900, channels: 3, background: { r: 175, g: 178, b: 180 } } })
    .composite([{ input: shape, left: 250, top: 260 }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('npm start -- --scale', () => {
  it('started every process of the topology, each answering on the port processes.json names', async () => {
    const { processes, launcherPid } = scaled.processes();
    const roles = processes.map((p) => `${p.role} ${p.index}`).sort();
    expect(roles).toEqual(
      [
        'backend 1',
        'backend 2',
        'n8n-main 1',
        'n8n-webhook 1',
        'n8n-worker 1',
        'n8n-worker 2',
        'nginx 1',
        'sandbox 1',
      ].sort(),
    );
    expect(launcherPid).toBeGreaterThan(0);
    for (const p of processes) {
      expect({ role: p.role, state: p.state, pid: typeof p.pid }).toEqual({
        role: p.role,
        state: 'running',
        pid: 'number',
      });
      expect({ role: `${p.role} ${p.index}`, answering: await answering(p) }).toEqual({
        role: `${p.role} ${p.index}`,
        answering: true,
      });
    }
    // The printed topology names the same processes.
    for (const p of processes) expect(scaled.output()).toContain(`${p.role} ${p.index}`);
  });

  it('serves /ready, the portal, the console and the API docs through nginx', async () => {
    const ready = await call('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({
      database: { status: 'ok' },
      redis: { status: 'ok' },
      n8n: { status: 'ok' },
    });
    for (const page of ['/', '/admin']) {
      const res = await fetch(`${scaled.publicUrl}${page}`);
      expect({ page, status: res.status, type: res.headers.get('content-type') }).toEqual({
        page,
        status: 200,
        type: expect.stringContaining('text/html'),
      });
    }
    expect((await fetch(`${scaled.publicUrl}/api/docs`)).status).toBe(200);
    // Metrics are scraped per replica on the private network, never through the public entry.
    expect((await fetch(`${scaled.publicUrl}/metrics`)).status).toBe(404);
  });

  it('nginx passes the client address in one hop the backend trusts; a forged X-Forwarded-For names nobody', async () => {
    // Unsigned-in requests count per client address (shared in Redis by both replicas): three
    // requests claiming three different addresses still count against the one nginx saw.
    const remaining: number[] = [];
    for (const forged of ['198.51.100.1', '198.51.100.2', '203.0.113.7']) {
      const res = await fetch(`${scaled.publicUrl}/api/v1/task-types`, { headers: { 'x-forwarded-for': forged } });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      remaining.push(Number(res.headers.get('ratelimit-remaining')));
    }
    expect(remaining[1]).toBeLessThan(remaining[0]);
    expect(remaining[2]).toBeLessThan(remaining[1]);
  });

  describe('a merchant, through nginx only', () => {
    let merchant: Merchant;
    let inputKey: string;
    let ws: WebSocket;
    const events: Array<{ type?: string; taskId?: string; status?: string; progress?: number }> = [];

    beforeAll(async () => {
      const urls = { backend: { url: scaled.publicUrl }, sandbox: { url: scaled.sandboxUrl } };
      merchant = await signInMerchant(urls);
      const paid = await payMembership(urls, merchant.token);
      expect(paid.notifyStatus).toBe(204);
      const order = await call('GET', `/api/v1/membership/orders/${paid.orderId}`, merchant.token);
      expect(order.body.status).toBe('paid');

      const form = new FormData();
      form.append('file', new Blob([await garment()], { type: 'image/jpeg' }), 'garment.jpg');
      const res = await fetch(`${scaled.publicUrl}/api/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${merchant.token}` },
        body: form,
      });
      expect(res.status).toBeLessThan(300);
      inputKey = ((await res.json()) as { key: string }).key;

      // The WebSocket upgrade goes through nginx's /ws location; the token as a subprotocol.
      ws = new WebSocket(`${scaled.publicUrl.replace('http', 'ws')}/ws`, ['aiphoto-progress', merchant.token]);
      ws.on('message', (data) => events.push(JSON.parse(String(data))));
      await waitFor(() => events.some((e) => e.type === 'ready'), { what: 'the WebSocket to be ready' });
    });

    afterAll(() => ws?.close());

    async function finished(taskId: string) {
      const res = await waitFor(
        () => call('GET', `/api/v1/tasks/${taskId}`, merchant.token),
        (r) => ['done', 'failed', 'canceled'].includes(r.body.status),
        { timeoutMs: 90_000, what: `task ${taskId} to finish` },
      );
      return res.body;
    }

    it('basic_clean runs on a worker and its progress arrives over the WebSocket', async () => {
      const created = await call('POST', '/api/v1/tasks', merchant.token, { type: 'basic_clean', inputKey });
      expect(created.status).toBe(201);
      const task = await finished(created.body.tasks[0].id);
      expect(task).toMatchObject({ status: 'done', progress: 100 });
      expect(task.resultUrls).toHaveLength(1);
      const meta = await sharp(Buffer.from(await (await fetch(task.resultUrls[0])).arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([800, 800]);
      await waitFor(() => events.some((e) => e.taskId === task.id && e.status === 'done'), {
        what: 'the done event over the WebSocket',
      });
    });

    it('model_pose12 makes 12 images with progress steps pushed over the WebSocket', async () => {
      const created = await call('POST', '/api/v1/tasks', merchant.token, {
        type: 'model_pose12',
        inputKey,
        params: { scene: 'studio', category: 'dress' },
      });
      expect(created.status).toBe(201);
      const task = await finished(created.body.tasks[0].id);
      expect(task.status).toBe('done');
      expect(task.resultUrls).toHaveLength(12);
      const mine = await waitFor(
        () => events.filter((e) => e.taskId === task.id),
        (list) => list.some((e) => e.status === 'done'),
        { what: 'model_pose12 events over the WebSocket' },
      );
      // processing steps (5, 10…, 90) before done, in order.
      const progress = mine.filter((e) => e.status === 'processing').map((e) => e.progress ?? 0);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    });

    it("nginx lets an upload past the backend's own limit through: the refusal is the backend's JSON, not nginx's page", async () => {
      // One byte over UPLOAD_MAX_BYTES (20 MiB): below nginx's client_max_body_size, so nginx
      // passes it on and the merchant gets the coded error the portal translates.
      const form = new FormData();
      form.append('file', new Blob([Buffer.alloc(20 * 1024 * 1024 + 1, 0xff)], { type: 'image/jpeg' }), 'big.jpg');
      const res = await fetch(`${scaled.publicUrl}/api/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${merchant.token}` },
        body: form,
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(((await res.json()) as AnyBody).error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('the executions ran on the workers, not on the main', async () => {
      const logOf = (role: string, index = 1) => readFileSync(scaled.entry(role, index).log as string, 'utf8');
      const finishedOnWorkers = () =>
        [1, 2].reduce((n, i) => n + (logOf('n8n-worker', i).match(/Worker finished execution/g) ?? []).length, 0);
      // A task is done when its callback node runs, which is before the worker ends the execution
      // and logs it: wait for the lines rather than read them once.
      await waitFor(finishedOnWorkers, (n) => n >= 2, { what: 'two executions finished on the workers' });
      expect(logOf('n8n-main')).not.toMatch(/Worker finished execution/);
    });

    it('both backend replicas served requests (nginx balances; any replica serves any merchant)', async () => {
      const served = await Promise.all(
        [1, 2].map(async (i) => {
          const res = await fetch(`http://127.0.0.1:${scaled.entry('backend', i).port}/metrics`);
          const text = await res.text();
          return text
            .split('\n')
            .filter((line) => line.startsWith('http_requests_total') || line.startsWith('aiphoto_http_requests_total'))
            .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
        }),
      );
      expect(served[0]).toBeGreaterThan(0);
      expect(served[1]).toBeGreaterThan(0);
    });

    it('the ledger holds: balances are the sum of their rows, the order granted once, nothing refunded', async () => {
      const report = await scaled.invariant({ settled: true });
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, paidOrders: 1, tasks: { done: 2 } });
    });
  });
});

describe('faults, each ending with the ledger invariant (docs/architecture.md §10)', () => {
  let adminToken: string;
  let merchant: Merchant;
  /** What the fault tests killed; the supervisor must have started each again by the end. */
  const killed: Array<{ role: string; index: number; pid: number }> = [];
  let inputKey: string;
  const urls = () => ({ backend: { url: scaled.publicUrl }, sandbox: { url: scaled.sandboxUrl } });

  beforeAll(async () => {
    const admin = await call('POST', '/api/v1/admin/login', undefined, scaled.admin);
    expect(admin.status).toBe(200);
    adminToken = admin.body.token;
    // One credit per task, and basic_clean never answered from the result cache: every create is
    // a real charge and a real run.
    for (const [type, patch] of [
      ['basic_clean', { credits: 1, cacheable: false }],
      ['model_pose12', { credits: 1 }],
    ] as const) {
      expect((await call('PATCH', `/api/v1/admin/task-types/${type}`, adminToken, patch)).status).toBe(200);
    }
    merchant = await signInMerchant(urls());
    await payMembership(urls(), merchant.token);
    const form = new FormData();
    form.append('file', new Blob([await garment()], { type: 'image/jpeg' }), 'garment.jpg');
    const res = await fetch(`${scaled.publicUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.token}` },
      body: form,
    });
    inputKey = ((await res.json()) as { key: string }).key;
  });

  const deadline = async (type: string, seconds: number) =>
    expect(
      (await call('PATCH', `/api/v1/admin/task-types/${type}`, adminToken, { deadlineSeconds: seconds })).status,
    ).toBe(200);

  /**
   * A create as a careful client sends it: with an Idempotency-Key, sent again on a gateway error,
   * a dropped connection or a 5xx until it is answered 201 (or 200 for a replay).
   */
  async function createRetrying(type: string, key: string): Promise<{ id: string; attempts: number }> {
    let attempts = 0;
    const body =
      type === 'model_pose12' ? { type, inputKey, params: { scene: 'studio', category: 'dress' } } : { type, inputKey };
    const answer = await waitFor(
      async () => {
        attempts += 1;
        try {
          const res = await fetch(`${scaled.publicUrl}/api/v1/tasks`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${merchant.token}`,
              'content-type': 'application/json',
              'idempotency-key': key,
            },
            body: JSON.stringify(body),
          });
          return { status: res.status, body: (await res.json().catch(() => null)) as AnyBody };
        } catch {
          return { status: 0, body: null };
        }
      },
      (r) => r.status < 500 && r.status !== 0,
      { timeoutMs: 90_000, what: `create ${key} to be answered` },
    );
    if (![200, 201].includes(answer.status))
      throw new Error(`create ${key}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { id: answer.body.tasks[0].id, attempts };
  }

  async function allFinished(ids: string[], timeoutMs = 120_000): Promise<AnyBody[]> {
    return waitFor(
      async () => Promise.all(ids.map(async (id) => (await call('GET', `/api/v1/tasks/${id}`, merchant.token)).body)),
      (tasks) => tasks.every((t) => ['done', 'failed', 'canceled'].includes(t.status)),
      { timeoutMs, what: `${ids.length} tasks to finish` },
    );
  }

  async function expectInvariant(): Promise<void> {
    const report = await scaled.invariant({ settled: true });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  }

  it('n8n main killed (-9) while model_pose12 tasks wait in their Wait node: every task still completes', async () => {
    await deadline('model_pose12', 120);
    const ids = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => (await createRetrying('model_pose12', `main-${i}`)).id),
    );
    // "Report: submitted" (5 %) comes right before the 5 s Wait: every run is waiting on a worker.
    await waitFor(
      async () => Promise.all(ids.map(async (id) => (await call('GET', `/api/v1/tasks/${id}`, merchant.token)).body)),
      (tasks) => tasks.every((t) => t.status === 'processing' && t.progress >= 5),
      { timeoutMs: 60_000, what: 'every run to be submitted' },
    );
    killed.push({ role: 'n8n-main', index: 1, pid: scaled.kill('n8n-main', 1, 'SIGKILL') });
    const tasks = await allFinished(ids);
    expect(tasks.map((t) => [t.status, t.resultUrls?.length])).toEqual(ids.map(() => ['done', 12]));
    await expectInvariant();
  });

  it('a backend replica killed (-9) during a burst of creates and callbacks: nginx routes around it, nothing charged twice', async () => {
    const before = (await call('GET', '/api/v1/me', merchant.token)).body.quotaRemaining as number;
    let started = 0;
    const burst = Array.from({ length: 30 }, (_, i) => `burst-${i}`);
    const results: Array<{ id: string; attempts: number }> = [];
    // Six clients in parallel; the replica dies once a third of the creates were sent.
    const lanes = Array.from({ length: 6 }, async (_, lane) => {
      for (let i = lane; i < burst.length; i += 6) {
        started += 1;
        if (started === 10) killed.push({ role: 'backend', index: 1, pid: scaled.kill('backend', 1, 'SIGKILL') });
        results.push(await createRetrying('basic_clean', burst[i]));
      }
    });
    await Promise.all(lanes);
    const ids = results.map((r) => r.id);
    expect(new Set(ids).size).toBe(30);
    const tasks = await allFinished(ids);
    expect(tasks.filter((t) => t.status === 'done')).toHaveLength(30);
    expect((await call('GET', '/api/v1/me', merchant.token)).body.quotaRemaining).toBe(before - 30);
    await expectInvariant();
  });

  it('the database killed (-9) and started again mid-load: creates are resent until answered, /ready says so, every task ends', async () => {
    await deadline('basic_clean', 30);
    const before = (await call('GET', '/api/v1/me', merchant.token)).body.quotaRemaining as number;
    let started = 0;
    let outage: Promise<void> | null = null;
    const sawDown: string[] = [];
    const keys = Array.from({ length: 24 }, (_, i) => `db-${i}`);
    const results: Array<{ id: string; attempts: number }> = [];
    const lanes = Array.from({ length: 3 }, async (_, lane) => {
      for (let i = lane; i < keys.length; i += 3) {
        started += 1;
        if (started === 8) {
          outage = (async () => {
            await mariadb.stop('SIGKILL');
            // Back once /ready (through nginx, either replica) has reported the database down.
            const ready = await waitFor(
              () => call('GET', '/ready'),
              (r) => r.status === 503 && r.body.checks.database.status === 'down',
              { what: '/ready to report the database down' },
            );
            sawDown.push(ready.body.checks.database.code);
            await mariadb.start();
          })();
        }
        results.push(await createRetrying('basic_clean', keys[i]));
      }
    });
    await Promise.all(lanes);
    await outage;
    expect(sawDown).toHaveLength(1);
    const ids = results.map((r) => r.id);
    expect(new Set(ids).size).toBe(24);
    const tasks = await allFinished(ids);
    // A callback lost while the database was down makes its task a refunded TIMEOUT at the deadline.
    for (const t of tasks.filter((t) => t.status !== 'done'))
      expect([t.status, t.errorCode]).toEqual(['failed', 'TIMEOUT']);
    const done = tasks.filter((t) => t.status === 'done').length;
    expect((await call('GET', '/api/v1/me', merchant.token)).body.quotaRemaining).toBe(before - done);
    await waitFor(
      () => call('GET', '/ready'),
      (r) => r.status === 200,
      { what: '/ready to be green again' },
    );
    await expectInvariant();
  });

  it('an n8n worker killed (-9) with 20 model_pose12 accepted: its running runs end TIMEOUT with one refund each, the queued and the others complete', async () => {
    await deadline('model_pose12', 90);
    const logOf = (i: number) => readFileSync(scaled.entry('n8n-worker', i).log as string, 'utf8');
    const offsets = [1, 2].map((i) => logOf(i).length);
    const running = (i: number) => {
      const text = logOf(i).slice(offsets[i - 1]);
      return (
        (text.match(/Worker started execution/g) ?? []).length - (text.match(/Worker finished execution/g) ?? []).length
      );
    };
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await createRetrying('model_pose12', `worker-${i}`)).id),
    );
    // Both workers full (5 each), the other 10 runs waiting in Redis.
    await waitFor(
      () => running(1) + running(2),
      (n) => n === 10,
      { timeoutMs: 60_000, what: 'both workers to be busy' },
    );
    const victim = running(1) >= running(2) ? 1 : 2;
    const lost = running(victim);
    killed.push({ role: 'n8n-worker', index: victim, pid: scaled.kill('n8n-worker', victim, 'SIGKILL') });
    const tasks = await allFinished(ids, 120_000);
    const failed = tasks.filter((t) => t.status !== 'done');
    // n8n does not run a job again when its worker dies (Bull's maxStalledCount is 0 in n8n): the
    // runs it held are lost and the backend's watchdog ends them at their deadline. Queued runs
    // were in Redis, not in the worker: the surviving worker and the restarted one take them.
    expect(lost).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThanOrEqual(lost);
    for (const t of failed) expect([t.status, t.errorCode]).toEqual(['failed', 'TIMEOUT']);
    for (const t of tasks.filter((t) => t.status === 'done')) expect(t.resultUrls).toHaveLength(12);
    await expectInvariant();
  });

  it('Redis unavailable for 30 s: /ready says so, creates keep working, nothing is lost, sockets reconnect and catch up', async () => {
    await deadline('basic_clean', 180);
    const before = (await call('GET', '/api/v1/me', merchant.token)).body.quotaRemaining as number;
    const n8nRestarts = () =>
      scaled
        .processes()
        .processes.filter((p) => p.role.startsWith('n8n-'))
        .map((p) => `${p.role} ${p.index}: ${p.restarts}`);
    const restartsBefore = n8nRestarts();
    const socket = async () => {
      const events: Array<{ type?: string; taskId?: string; status?: string }> = [];
      const ws = new WebSocket(`${scaled.publicUrl.replace('http', 'ws')}/ws`, ['aiphoto-progress', merchant.token]);
      ws.on('message', (data) => events.push(JSON.parse(String(data))));
      ws.on('error', () => undefined);
      await waitFor(() => events.some((e) => e.type === 'ready'), { what: 'a WebSocket to be ready' });
      return { ws, events };
    };
    const early = await socket();

    await redis.stop('SIGTERM');
    const outageStarted = Date.now();
    const ready = await waitFor(
      () => call('GET', '/ready'),
      (r) => r.status === 503 && r.body.checks.redis.status === 'down',
      { what: '/ready to report Redis down' },
    );
    expect(ready.body.checks.database.status).toBe('ok');
    // Creates during the outage: the task, its charge and its outbox row are one database transaction.
    const during: Array<{ key: string; status: number; code?: string }> = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${scaled.publicUrl}/api/v1/tasks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${merchant.token}`,
          'content-type': 'application/json',
          'idempotency-key': `redis-${i}`,
        },
        body: JSON.stringify({ type: 'basic_clean', inputKey }),
      });
      const body = (await res.json()) as AnyBody;
      during.push({ key: `redis-${i}`, status: res.status, code: body?.error?.code });
    }
    // The issue allows a clear 503 here; this system answers 201 (Redis is not on the create path:
    // the API limit lets requests through while its store is down).
    expect(during.map((d) => d.status)).toEqual([201, 201, 201, 201]);
    // The outage lasts 30 s: that is the fault under test, so it is waited out, not awaited on a condition.
    await pause(Math.max(0, 30_000 - (Date.now() - outageStarted)));
    await redis.start();
    await waitFor(
      () => call('GET', '/ready'),
      (r) => r.status === 200,
      { timeoutMs: 60_000, what: '/ready to be green again' },
    );

    // What was accepted during the outage is dispatched now (the outbox kept it); a create answered
    // 503 is sent again with its key, as a client does.
    const ids = await Promise.all(during.map(async (d) => (await createRetrying('basic_clean', d.key)).id));
    expect(new Set(ids).size).toBe(4);
    const tasks = await allFinished(ids);
    expect(tasks.map((t) => t.status)).toEqual(['done', 'done', 'done', 'done']);
    // A socket opened now (the portal reconnects) follows the next task; the task list caught up above.
    const late = await socket();
    const next = await createRetrying('basic_clean', 'redis-after');
    await allFinished([next.id]);
    await waitFor(() => late.events.some((e) => e.taskId === next.id && e.status === 'done'), {
      what: 'the done event on a socket opened after the outage',
    });
    // The socket opened before the outage was never closed, and its subscription came back with Redis.
    await waitFor(() => early.events.some((e) => e.taskId === next.id && e.status === 'done'), {
      what: 'the done event on the socket opened before the outage',
    });
    early.ws.close();
    late.ws.close();
    expect((await call('GET', '/api/v1/me', merchant.token)).body.quotaRemaining).toBe(before - 5);
    // n8n rode out the outage (QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD=60000): no n8n process restarted.
    expect(n8nRestarts()).toEqual(restartsBefore);
    await expectInvariant();
  });

  it('the supervisor started every killed process again: the topology is whole and answering', async () => {
    expect(killed.map((k) => k.role).sort()).toEqual(['backend', 'n8n-main', 'n8n-worker']);
    for (const k of killed) await scaled.restarted(k.role, k.index, k.pid);
    for (const p of scaled.processes().processes)
      expect({ p: `${p.role} ${p.index}`, ok: await answering(p) }).toEqual({ p: `${p.role} ${p.index}`, ok: true });
    expect((await call('GET', '/ready')).status).toBe(200);
    await expectInvariant();
  });
});
