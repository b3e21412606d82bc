/**
 * The client core the portal and the console share: bearer token, JSON in and out, and every
 * non-2xx answer turned into an ApiError carrying the server's `{error:{code,message}}`.
 * Each app subclasses HttpClient with its endpoint functions only.
 */
import type { ApiPath, CallOptions, Method, ResponseOf } from './openapi';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
    /** What the server listed under `error.details` (a 400's refused fields: `[{ path, message }]`). */
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads the common error body; a proxy's HTML error page still gives a usable message. */
export function errorFromBody(status: number, text: string, retryAfter: string | null): ApiError {
  let code = `HTTP_${status}`;
  let message = text.slice(0, 200) || `HTTP ${status}`;
  let details: unknown = undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (parsed.error?.code) code = parsed.error.code;
    if (parsed.error?.message) message = parsed.error.message;
    details = parsed.error?.details;
  } catch {
    // not JSON: keep the raw text
  }
  const seconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  return new ApiError(status, code, message, seconds, details);
}

export type QueryValue = string | number | boolean | null | undefined;

/** `?a=1&b=x` from optional filters: empty values are left out; '' when nothing remains. */
export function query(params: object = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params) as Array<[string, QueryValue]>) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Fills the `{name}` segments of an OpenAPI path template, each URI-encoded. */
export function fillPath(template: string, params: object = {}): string {
  const values = params as Record<string, string | number>;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (values[name] === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(values[name]));
  });
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thin typed wrapper over fetch for one backend (same origin in production). */
export class HttpClient {
  /** Shown when the request never reached the server; an app may say it in its language. */
  protected readonly networkMessage: string = 'network error';

  constructor(
    private readonly token: () => string | null,
    private readonly onUnauthorized: () => void = () => undefined,
    readonly baseUrl = '',
  ) {}

  authHeaders(): Record<string, string> {
    const token = this.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  /** A 401 while signed in means the session ended: the owner signs out. */
  protected noteStatus(status: number): void {
    if (status === 401 && this.token()) this.onUnauthorized();
  }

  async raw(path: string, options: RequestOptions = {}): Promise<Response> {
    const hasBody = options.body !== undefined;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method: options.method ?? (hasBody ? 'POST' : 'GET'),
        headers: {
          ...this.authHeaders(),
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: hasBody ? JSON.stringify(options.body) : undefined,
      });
    } catch {
      throw new ApiError(0, 'NETWORK', this.networkMessage);
    }
    if (!res.ok) {
      this.noteStatus(res.status);
      throw errorFromBody(res.status, await res.text(), res.headers.get('retry-after'));
    }
    return res;
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.raw(path, options);
    return (res.status === 204 ? null : await res.json()) as T;
  }

  /** The URL of an operation: path template filled, query appended. */
  url<P extends ApiPath, M extends Method>(_method: M, path: P, options?: CallOptions<P, M>): string {
    const loose = options as LooseOptions | undefined;
    return fillPath(path, loose?.path) + query(loose?.query);
  }

  /**
   * One typed call: `call('get', '/api/v1/tasks/{id}', { path: { id } })` answers the
   * operation's JSON as the backend's schema declares it.
   */
  call<P extends ApiPath, M extends Method>(
    method: M,
    path: P,
    ...rest: OptionalIfEmpty<CallOptions<P, M>>
  ): Promise<ResponseOf<P, M>> {
    // The tuple type only decides whether the argument may be left out; its value is the options.
    const options = rest[0] as CallOptions<P, M> | undefined;
    const loose = options as LooseOptions | undefined;
    return this.json<ResponseOf<P, M>>(this.url(method, path, options), {
      method: method.toUpperCase(),
      body: loose?.body,
      headers: loose?.headers,
    });
  }
}

/** CallOptions seen from inside, where the operation is not known statically. */
interface LooseOptions {
  path?: object;
  query?: object;
  body?: unknown;
  headers?: Record<string, string>;
}

// The options argument may be left out when nothing in it is required (no path parameters).
type OptionalIfEmpty<O> = O extends { path: unknown } ? [options: O] : [options?: O];
