import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryNonceStore } from '../../../n8n-nodes-aiphoto/common/nonce-store';
import { verifySignedMessage } from '../../../n8n-nodes-aiphoto/common/signature';
import { waitFor } from '../../../jest/wait-for';

export interface Callback {
  taskId: string;
  event: 'progress' | 'done' | 'failed';
  progress?: number;
  resultKeys?: string[];
  vendorTaskId?: string;
  /** The n8n execution and workflow that sent it (the callback node adds them). */
  executionId?: string;
  workflowId?: string;
  error?: { code: string; message: string };
}

/**
 * The part of the backend the workflows talk to: `POST /api/v1/internal/n8n/callback`,
 * verified with the node package's own signature module (one implementation, not a copy).
 * Unsigned or badly signed callbacks get 401 and are counted, never recorded. Like the backend
 * it answers with the task's state: `processing` until a done/failed callback, or `canceled`
 * (and `applied: false`) once the test cancels the task.
 */
export class BackendReceiver {
  readonly callbacks: Callback[] = [];
  rejected = 0;
  private readonly canceled = new Set<string>();

  /** From now on the task is canceled: callbacks change nothing and are told so. */
  cancel(taskId: string): void {
    this.canceled.add(taskId);
  }
  private server?: http.Server;
  private readonly nonces = new MemoryNonceStore();

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        if (req.method === 'GET' && req.url === '/health') return void res.end('{"status":"ok"}');
        if (req.method !== 'POST' || req.url !== '/api/v1/internal/n8n/callback') {
          res.statusCode = 404;
          return void res.end();
        }
        const verdict = verifySignedMessage({
          secret: this.secret,
          purpose: 'callback',
          rawBody,
          headers: req.headers,
          nonceStore: this.nonces,
        });
        res.setHeader('content-type', 'application/json');
        if (!verdict.ok) {
          this.rejected++;
          res.statusCode = 401;
          return void res.end(JSON.stringify({ error: { code: verdict.code, message: verdict.message } }));
        }
        const callback = JSON.parse(rawBody.toString('utf8')) as Callback;
        this.callbacks.push(callback);
        const status = this.canceled.has(callback.taskId)
          ? 'canceled'
          : callback.event === 'progress'
            ? 'processing'
            : callback.event;
        res.end(JSON.stringify({ ok: true, applied: status !== 'canceled', status }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  forTask(taskId: string): Callback[] {
    return this.callbacks.filter((cb) => cb.taskId === taskId);
  }

  /** Resolves with the task's terminal callback (done or failed). */
  async terminal(taskId: string, timeoutMs: number): Promise<Callback> {
    const [found] = await waitFor(
      () => this.forTask(taskId).filter((cb) => cb.event === 'done' || cb.event === 'failed'),
      (terminal) => terminal.length > 0,
      { timeoutMs, what: `a done/failed callback for ${taskId}` },
    );
    return found;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
