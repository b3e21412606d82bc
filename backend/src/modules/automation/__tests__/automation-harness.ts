import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { startBackend, type RunningBackend } from '../../../bootstrap';
import type { DriverName } from '../../../db/data-source';
import { inTransaction } from '../../../db/transaction';
import { MemoryKeyValueStore } from '../../../infra/kv';
import { ownPrefixMedia, readableUrls } from '../../../testing/fake-task-ports';
import { startFakeN8n } from '../../../testing/fake-n8n';
import { testConfig, testRedisUrl } from '../../../testing/test-config';
import { createTestDatabase, type TestDatabase } from '../../../testing/test-db';
import { requireUser } from '../../auth/auth.middleware';
import { JwtService } from '../../auth/jwt.service';
import { LedgerService } from '../../ledger/ledger.service';
import { computeLegacySignature, signMessage } from '../../n8n/signed-message';
import { UsersRepository } from '../../users/users.repository';
import type { TaskPorts } from '../../tasks/task-ports';
import { createTasksModule, type TasksApi } from '../../tasks/tasks.module';
import { createAutomationModule, type AutomationApi } from '../automation.module';
import { waitFor } from '../../../../../jest/wait-for';

const N8N_SECRET = 'automation-integration-shared-secret';

export interface AutomationApp {
  backend: RunningBackend;
  automation: AutomationApi;
  worker: AutomationApi['worker'];
  tasks: TasksApi;
  ledger: LedgerService;
  n8n: Awaited<ReturnType<typeof startFakeN8n>>;
  api(): ReturnType<typeof request>;
  member(credits: number): Promise<{ id: string; token: string }>;
  /** A signed n8n callback, as the AI Photo Callback node sends it. */
  callback(body: object): request.Test;
  /** Waits until the fake n8n received the task's dispatch (the task is then processing). */
  dispatched(taskId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Tasks (real ledger, fake n8n) and automation on a fresh database of `driver`, wired like the
 * composition root: API keys accepted on the task routes, webhooks fed by the settlement.
 * Webhook retries are fast (50 ms base, 3 attempts) so the tests wait for them, not sleep.
 */
export async function startAutomationApp(driver: DriverName, env: Record<string, string> = {}): Promise<AutomationApp> {
  const db: TestDatabase = await createTestDatabase(driver);
  await db.ds.destroy();
  const n8n = await startFakeN8n(N8N_SECRET);
  let jwt!: JwtService;
  let ledger!: LedgerService;
  let automation!: AutomationApi;
  let tasks!: TasksApi;
  const config = testConfig(
    {
      N8N_BASE_URL: n8n.url,
      N8N_SHARED_SECRET: N8N_SECRET,
      OUTBOX_POLL_INTERVAL_MS: '50',
      TASK_WATCHDOG_INTERVAL_MS: '3600000',
      WEBHOOK_POLL_INTERVAL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_TIMEOUT_MS: '2000',
      ...(driver === 'mysql'
        ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:automation:${randomUUID()}:` }
        : {}),
      ...env,
    },
    db.config,
  );
  const backend = await startBackend(config, {
    modules: async (ctx) => {
      jwt = new JwtService(ctx.config.auth.jwtSecret, 3600);
      ledger = new LedgerService(ctx.db);
      // Webhook bodies read the tasks module built below (only when a delivery is sent).
      const automationModule = createAutomationModule(ctx, {
        jwt,
        tasks: { load: (userId, taskId) => tasks.view.load(userId, taskId) },
      });
      automation = automationModule.api;
      const ports: TaskPorts = {
        ledger,
        membership: { ensureCurrent: (userId) => ledger.expire(userId) },
        media: ownPrefixMedia,
        urls: readableUrls,
        scenes: { assertValid: async () => undefined, buildPrompt: async () => 'prompt', randomSeed: () => 1 },
        progress: { publish: async () => undefined },
        events: automation.webhooks,
      };
      const tasksModule = createTasksModule(ctx, { ports, requireUser: requireUser(jwt, automation.apiKeys) });
      tasks = tasksModule.api;
      return [tasksModule, automationModule];
    },
  });
  const api = () => request(backend.url);
  return {
    backend,
    automation,
    tasks,
    n8n,
    api,
    ledger,
    worker: automation.worker,
    member: async (credits) => {
      const phone = `13${Math.floor(Math.random() * 1e9)
        .toString()
        .padStart(9, '0')}`;
      const user = await new UsersRepository().findOrCreateUser(backend.ctx.db.manager, phone);
      await inTransaction(backend.ctx.db, (tx) =>
        ledger.grant(tx, { orderId: randomUUID(), userId: user.id, credits, days: 30 }),
      );
      return { id: user.id, token: jwt.sign('aiphoto-merchant', { sub: user.id, phone }) };
    },
    callback: (body) => {
      const raw = JSON.stringify(body);
      return api()
        .post('/api/v1/internal/n8n/callback')
        .set('Content-Type', 'application/json')
        .set(signMessage(N8N_SECRET, 'callback', raw))
        .send(raw);
    },
    dispatched: async (taskId) => {
      await waitFor(() => n8n.received.some((d) => d.body.taskId === taskId));
    },
    close: async () => {
      await backend.close();
      await n8n.close();
      await db.drop();
    },
  };
}

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> | null };
  /** Verified by the Standard Webhooks reference library with the endpoint secret. */
  standardOk: boolean;
  /** The deprecated X-AiPhoto-* signature, verified as before. */
  legacyOk: boolean;
}

/** What a merchant's receiver does with the Standard Webhooks library for JavaScript. */
function standardVerified(secret: string | undefined, raw: Buffer, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret ?? '').verify(raw.toString('utf8'), headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/**
 * A merchant's webhook receiver: verifies each request with the endpoint's secret (with the
 * Standard Webhooks library, and the deprecated X-AiPhoto-* scheme as before) and answers the
 * scripted statuses, then 200.
 */
export async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, string>();
  const scripts = new Map<string, number[]>();
  const nonces = new MemoryKeyValueStore();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? '';
      // The deprecated headers: the unlabelled (v1) scheme keyed with the endpoint secret, a fresh nonce.
      const legacy = (name: string) => String(req.headers[name] ?? '');
      const legacySigned =
        legacy('x-aiphoto-signature') ===
        computeLegacySignature(
          secrets.get(path) ?? 'unknown-secret-unknown',
          legacy('x-aiphoto-timestamp'),
          legacy('x-aiphoto-nonce'),
          raw,
        );
      nonces
        .setIfAbsent(`nonce:${legacy('x-aiphoto-nonce')}`, '1', 600)
        .then((fresh) => legacySigned && fresh)
        .then((legacyOk) => {
          received.push({
            path,
            headers: req.headers,
            body: JSON.parse(raw.toString('utf8')) as ReceivedWebhook['body'],
            standardOk: standardVerified(secrets.get(path), raw, req.headers),
            legacyOk,
          });
          const status = scripts.get(path)?.shift() ?? 200;
          res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver broke');
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let next = 0;
  return {
    received,
    /** A fresh path on the receiver, so each test counts its own deliveries. */
    newPath: () => `/hook/${++next}`,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    trust: (path: string, secret: string) => void secrets.set(path, secret),
    /** Statuses to answer at `path` before the default 200. */
    script: (path: string, statuses: number[]) => void scripts.set(path, [...statuses]),
    at: (path: string) => received.filter((r) => r.path === path),
    close: async () => {
      await nonces.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
