import express from 'express';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CallCounter } from './calls';
import { CiService, type CiOutcome } from './ci/ci.service';
import type { CiMode } from './ci/precomputed';
import type { CosSettings, RunningHubOutcome, RunningHubSettings, SandboxContext } from './context';
import { controlRouter } from './control/control.routes';
import { cosRouter } from './cos/cos.routes';
import { ObjectStore } from './cos/object-store';
import { loadOrCreateSandboxKeys, type SandboxKeys } from './keys';
import { alipayRouter } from './payments/alipay/alipay.routes';
import { AlipayTradeBook } from './payments/alipay/alipay-trades';
import { OrderBook } from './payments/order-book';
import { payRouter } from './payments/pay.routes';
import { wechatPayRouter } from './payments/wechatpay.routes';
import { RunningHubService } from './runninghub/runninghub.service';
import { runningHubRouter } from './runninghub/runninghub.routes';
import { OutcomeScript } from './script';
import type { AuditOutcome } from './ci/audit';
import { SmsOutbox } from './sms/sms-outbox';
import { smsRouter } from './sms/sms.routes';
import { wechatLoginRouter } from './wechat-login/wechat-login.routes';
import { StsBook } from './sts/sts-book';
import { stsRouter } from './sts/sts.routes';

export interface SandboxOptions {
  /** Data folder; the sandbox writes below `<dataDir>/sandbox/` (keys at `<dataDir>/sandbox-keys.json`). */
  dataDir: string;
  cos: CosSettings;
  /** Payment key material; default: `loadOrCreateSandboxKeys(dataDir)`. */
  keys?: SandboxKeys;
  runninghub: Partial<RunningHubSettings> & { apiKey: string };
  /** Port to listen on; 0 picks a free one (tests). Default 9400. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** How others reach the sandbox (result URLs, code_url, COS Location); default `http://<host>:<port>`. */
  publicUrl?: string;
  /** `pixels` (default) or `precomputed` CI results (see `CiMode`). */
  ciMode?: CiMode;
  /** The clock of RunningHub runs (QUEUED → RUNNING → settled); default `Date.now`. */
  now?: () => number;
}

export interface Sandbox {
  url: string;
  port: number;
  keys: SandboxKeys;
  close(): Promise<void>;
}

/** Starts the vendor sandbox. Refuses to run with NODE_ENV=production (docs/architecture.md §2). */
export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  if (process.env.NODE_ENV === 'production') throw new Error('The vendor sandbox never runs with NODE_ENV=production');
  const dataDir = resolve(options.dataDir);
  const root = join(dataDir, 'sandbox');
  const host = options.host ?? '127.0.0.1';
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const ctx: SandboxContext = {
    root,
    cos: options.cos,
    keys: options.keys ?? loadOrCreateSandboxKeys(dataDir),
    runninghub: { queueMs: 2000, runMs: 8000, ...options.runninghub },
    now: options.now ?? Date.now,
    publicUrl: () => publicUrl,
    calls: new CallCounter(),
    sts: new StsBook(),
    ciScript: new OutcomeScript<CiOutcome>(),
    auditScript: new OutcomeScript<AuditOutcome>(),
    runninghubScript: new OutcomeScript<RunningHubOutcome>(),
  };
  const store = new ObjectStore(join(root, 'cos'));
  const runningHub = new RunningHubService(ctx);
  const orders = new OrderBook(join(root, 'payments', 'orders.json'));

  const app = express();
  app.disable('x-powered-by');
  // Order matters: specific vendor paths first, COS last because it owns every other path.
  app.use(controlRouter(ctx));
  app.use(stsRouter(ctx));
  app.use(smsRouter(ctx, new SmsOutbox()));
  app.use(runningHubRouter(ctx, runningHub));
  app.use(wechatPayRouter(ctx, orders));
  app.use(payRouter(ctx, orders));
  app.use(wechatLoginRouter(ctx));
  app.use(alipayRouter(ctx, new AlipayTradeBook(join(root, 'payments', 'alipay-trades.json'))));
  app.use(cosRouter(ctx, store, new CiService(store, ctx.ciScript, () => new URL(publicUrl).host, options.ciMode)));

  const server = app.listen(options.port ?? 9400, host);
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!publicUrl) publicUrl = url;

  return {
    url,
    port,
    keys: ctx.keys,
    async close() {
      await runningHub.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
