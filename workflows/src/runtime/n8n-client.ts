/** The few n8n HTTP calls provisioning needs: the internal REST API (session) and the public API (key). */
import { setTimeout as sleep } from 'node:timers/promises';

export class N8nHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${url} → ${status}: ${body.slice(0, 500)}`);
    this.name = 'N8nHttpError';
  }
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * n8n answers every request 503 "Database is not ready!" from a middleware, before any route
 * runs, while its last database ping failed (a ping waits at most 5 s for one of its 2 pooled
 * connections: a busy machine makes it miss one now and then) until the next ping, 2 s later,
 * succeeds. Nothing was done, so the request is sent again, POSTs included, for up to this long.
 */
const DATABASE_NOT_READY_WAIT_MS = 60_000;

function databaseNotReady(status: number, body: string): boolean {
  return status === 503 && body.includes('Database is not ready');
}

async function request<T>(url: string, options: RequestOptions = {}): Promise<{ data: T; headers: Headers }> {
  const method = options.method ?? 'GET';
  const giveUpAt = Date.now() + DATABASE_NOT_READY_WAIT_MS;
  for (let pauseMs = 250; ; pauseMs = Math.min(pauseMs * 2, 2000)) {
    const res = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.ok) return { data: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
    if (!databaseNotReady(res.status, text) || Date.now() + pauseMs > giveUpAt)
      throw new N8nHttpError(method, url, res.status, text);
    await sleep(pauseMs);
  }
}

/** A logged-in owner session on the internal REST API (`/rest/*`), carried by the auth cookie. */
export class N8nSession {
  private constructor(
    private readonly baseUrl: string,
    private readonly cookie: string,
  ) {}

  private static fromResponse(baseUrl: string, headers: Headers): N8nSession {
    const cookie = headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .find((pair) => pair.startsWith('n8n-auth='));
    if (!cookie) throw new Error(`n8n at ${baseUrl} did not set an auth cookie`);
    return new N8nSession(baseUrl, cookie);
  }

  /** Creates the instance owner; returns undefined when an owner already exists. */
  static async setupOwner(baseUrl: string, owner: OwnerAccount): Promise<N8nSession | undefined> {
    try {
      const { headers } = await request(`${baseUrl}/rest/owner/setup`, {
        method: 'POST',
        body: {
          email: owner.email,
          password: owner.password,
          firstName: owner.firstName ?? 'AI Photo',
          lastName: owner.lastName ?? 'Operator',
        },
      });
      return N8nSession.fromResponse(baseUrl, headers);
    } catch (error) {
      if (error instanceof N8nHttpError && error.status === 400 && /already setup/i.test(error.body)) return undefined;
      throw error;
    }
  }

  static async login(baseUrl: string, owner: OwnerAccount): Promise<N8nSession> {
    const { headers } = await request(`${baseUrl}/rest/login`, {
      method: 'POST',
      body: { emailOrLdapLoginId: owner.email, password: owner.password },
    });
    return N8nSession.fromResponse(baseUrl, headers);
  }

  async get<T>(path: string): Promise<T> {
    return (await request<T>(`${this.baseUrl}${path}`, { headers: { cookie: this.cookie } })).data;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return (await request<T>(`${this.baseUrl}${path}`, { method: 'POST', body, headers: { cookie: this.cookie } }))
      .data;
  }
}

export interface OwnerAccount {
  email: string;
  /** n8n rule: 8–64 characters with a digit and an upper-case letter. */
  password: string;
  firstName?: string;
  lastName?: string;
}

/** The public API (`/api/v1`), authenticated with `X-N8N-API-KEY`. */
export class N8nPublicApi {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (
      await request<T>(`${this.baseUrl}/api/v1${path}`, { method, body, headers: { 'X-N8N-API-KEY': this.apiKey } })
    ).data;
  }

  /** Follows `nextCursor` through every page of a list endpoint. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.call<{ data: T[]; nextCursor?: string | null }>(
        'GET',
        `${path}${sep}limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }
}
