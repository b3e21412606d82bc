import { randomBytes } from 'node:crypto';
/**
 * What the whole bench run shares, each in its own process: the vendor sandbox (precomputed CI,
 * zero-delay RunningHub), the bare node:http server, and the pinned n8n (started on first use,
 * with a trivial workflow beside ours for n8n's own ceiling).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../workflows/src/runtime';
import { startChildService } from '../child-service';
import type { SandboxProcess } from '../sandbox-process';
import { prepareStackN8n, startStackSandbox, type StackN8n } from '../stack';

type Env = Record<string, string | undefined>;

export const TRIVIAL_WEBHOOK_PATH = 'aiphoto-bench-trivial';

export interface BareServer {
  url: string;
  pid: number;
}

export interface BenchSystem {
  dataDir: string;
  /** The base environment every backend of the run starts from. */
  env: Env;
  sandbox: SandboxProcess;
  bare: BareServer;
  /** n8n, started and provisioned against `backendUrl` on first call, re-pointed after. */
  n8n(backendUrl: string): Promise<StackN8n>;
  /** With --profile: where each case's window profile is written (scripts/bench/window-profiler.ts). */
  profileDir?: string;
  close(): Promise<void>;
}

/** Webhook answering at once → one HTTP Request to the bare server: n8n's least possible work per execution. */
export function trivialWorkflow(receiverUrl: string): unknown {
  return {
    name: 'AI Photo bench · trivial',
    nodes: [
      {
        id: 'b1a1c0de-0000-4000-8000-000000000001',
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: 'b1a1c0de-0000-4000-8000-0000000000aa',
        parameters: { httpMethod: 'POST', path: TRIVIAL_WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
      },
      {
        id: 'b1a1c0de-0000-4000-8000-000000000002',
        name: 'Receiver',
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        position: [240, 0],
        parameters: { method: 'POST', url: `${receiverUrl}/hit`, options: {} },
      },
    ],
    connections: { Webhook: { main: [[{ node: 'Receiver', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
}

export async function startBenchSystem(options: { profileDir?: string } = {}): Promise<BenchSystem> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-bench-'));
  const env: Env = {
    ...process.env,
    // npm start's defaults (info logging included): the bench measures what runs.
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    // The API limit still runs (its store round trip is measured), it just never refuses here.
    RATE_LIMIT_API_PER_15MIN: '100000000',
    // Set once for the run: every backend process (each in its own data folder) and n8n share them.
    N8N_SHARED_SECRET: process.env.N8N_SHARED_SECRET || randomBytes(32).toString('base64url'),
    ADMIN_BOOTSTRAP_PASSWORD: process.env.ADMIN_BOOTSTRAP_PASSWORD || `Bench${randomBytes(12).toString('base64url')}1`,
  };
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((err: unknown) => console.error(err));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const sandbox = await startStackSandbox({
      env,
      dataDir,
      port: 0,
      timing: { queueMs: 0, runMs: 0 },
      ciMode: 'precomputed',
    });
    closers.push(() => sandbox.close());

    const barePort = await freePort();
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const bareChild = await startChildService({
      name: 'bare node:http server',
      entry: path.join(__dirname, 'bare-server.ts'),
      env: { ...process.env, PORT: String(barePort) },
      healthUrl: `${bareUrl}/`,
      logFile: path.join(dataDir, 'bare-server.log'),
    });
    closers.push(() => bareChild.stop());

    let n8n: StackN8n | null = null;
    let pointedAt = '';
    const n8nPort = await freePort();
    const ensureN8n = async (backendUrl: string): Promise<StackN8n> => {
      if (n8n) {
        if (pointedAt !== backendUrl) await n8n.provision(backendUrl);
        pointedAt = backendUrl;
        return n8n;
      }
      const step = (m: string) => console.log(`[bench] ${m}`);
      const prepared = await prepareStackN8n({
        env,
        dataDir,
        port: n8nPort,
        sandboxUrl: sandbox.url,
        backendUrl,
        onStep: step,
      });
      await prepared.start();
      closers.push(() => prepared.stop());
      const trivialDir = path.join(dataDir, 'trivial-workflow');
      mkdirSync(trivialDir, { recursive: true });
      writeFileSync(path.join(trivialDir, 'trivial.json'), JSON.stringify(trivialWorkflow(bareUrl), null, 2));
      await prepared.provision(backendUrl, trivialDir);
      n8n = prepared;
      pointedAt = backendUrl;
      return prepared;
    };

    return {
      dataDir,
      env,
      sandbox,
      bare: { url: bareUrl, pid: bareChild.pid },
      n8n: ensureN8n,
      profileDir: options.profileDir,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
