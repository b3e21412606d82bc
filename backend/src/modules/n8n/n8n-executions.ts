import type { Logger } from '../../infra/logger';

const NOT_RUNNING = /Only running or waiting executions can be stopped|Failed to find execution to stop/;

/** What became of a request to stop an n8n execution. */
export type StopOutcome = 'stopped' | 'not-running' | 'failed';

/** Stops a task's n8n execution (the tasks' `ExecutionControlPort`). */
export interface ExecutionControl {
  stop(executionId: string): Promise<StopOutcome>;
}

export interface N8nExecutionsOptions {
  baseUrl: string;
  owner: { email: string; password: string };
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Stops executions through n8n's internal REST API (`POST /rest/executions/:id/stop`), signed in
 * as the n8n owner: n8n 2.8.4's public API (`/api/v1`, API key) lists and deletes executions but
 * cannot stop one (docs/vendor-facts.md, "n8n 2.8.4"). The session cookie is kept and renewed once on
 * a 401. Never throws: the caller has already settled the task; a failure is logged and answered.
 */
export class N8nExecutions implements ExecutionControl {
  private cookie: string | null = null;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly options: N8nExecutionsOptions,
    private readonly logger: Logger,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetch = options.fetch ?? fetch;
  }

  async stop(executionId: string): Promise<StopOutcome> {
    if (!/^\d{1,32}$/.test(executionId)) return 'not-running';
    try {
      let res = await this.post(executionId);
      if (res.status === 401) {
        this.cookie = null;
        res = await this.post(executionId);
      }
      if (res.ok) {
        this.logger.info({ executionId }, 'n8n execution stopped');
        return 'stopped';
      }
      const text = (await res.text()).slice(0, 300);
      // Already finished or gone: n8n 2.8.4 answers these with its generic error status and one of
      // two messages ("Only running or waiting executions can be stopped and <id> is currently
      // <status>", "Failed to find execution to stop"), so the message decides.
      if (res.status === 404 || NOT_RUNNING.test(text)) {
        this.logger.info({ executionId, status: res.status, answer: text }, 'n8n execution was not running');
        return 'not-running';
      }
      this.logger.warn({ executionId, status: res.status, answer: text }, 'n8n refused to stop the execution');
      return 'failed';
    } catch (err) {
      this.logger.warn({ err, executionId }, 'could not reach n8n to stop the execution');
      return 'failed';
    }
  }

  private async post(executionId: string): Promise<Response> {
    const cookie = this.cookie ?? (await this.login());
    return this.fetch(`${this.baseUrl}/rest/executions/${executionId}/stop`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  private async login(): Promise<string> {
    const res = await this.fetch(`${this.baseUrl}/rest/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ emailOrLdapLoginId: this.options.owner.email, password: this.options.owner.password }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const cookie = res.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .find((pair) => pair.startsWith('n8n-auth='));
    if (!res.ok || !cookie) throw new Error(`n8n sign-in as ${this.options.owner.email} failed (HTTP ${res.status})`);
    this.cookie = cookie;
    return cookie;
  }
}
