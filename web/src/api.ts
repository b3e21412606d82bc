/**
 * The portal's one API client. Types mirror the OpenAPI document served at `/api/docs`
 * (schemas `Me`, `Plan`, `Order`, `PurchaseResponse`, `Task`, `TaskPage`, `TaskBatch`,
 * `SceneCatalog`); components import types from here and nowhere else.
 */

export type TaskType = 'basic_clean' | 'model_pose12';
export type TaskStatus = 'queued' | 'processing' | 'done' | 'failed' | 'canceled';
export type OrderStatus = 'pending' | 'paid' | 'closed' | 'failed';
export type Channel = 'wechat' | 'alipay' | 'sandbox';

export interface Me {
  id: string;
  phone: string;
  nickname: string | null;
  isMember: boolean;
  quotaRemaining: number;
  quotaExpireAt: string | null;
}

export interface Plan {
  id: string;
  name: string;
  priceFen: number;
  credits: number;
  days: number;
}

export interface Order {
  id: string;
  status: OrderStatus;
  amountFen: number;
  channel: Channel;
  planId: string;
  createdAt: string;
  paidAt: string | null;
}

export interface PurchaseResponse {
  orderId: string;
  outTradeNo: string;
  amountFen: number;
  channel: Channel;
  /** Channel specific; for `sandbox` (and WeChat native) it carries `payUrl` / `codeUrl`. */
  payParams: Record<string, unknown>;
}

export interface UploadResult {
  key: string;
  width: number;
  height: number;
  size: number;
  mime: string;
}

export interface TaskParams {
  scene?: string;
  category?: string;
  seed?: number;
}

export interface Task {
  id: string;
  batchId: string;
  type: TaskType;
  status: TaskStatus;
  progress: number;
  params: TaskParams;
  resultUrls: string[];
  errorCode: string | null;
  errorReason: string | null;
  favorite: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TaskPage {
  items: Task[];
  nextCursor: string | null;
}

export interface TaskBatch {
  batchId: string;
  tasks: Task[];
}

export interface SceneCatalog {
  scenes: Array<{ code: string; name: string; thumbnailUrl?: string }>;
  categories: Array<{ code: string; name: string }>;
}

export interface LoginResponse {
  token: string;
  user: Me;
}

/** A progress message pushed on `/ws` (docs/DEVELOPMENT.md, "Progress over WebSocket"). */
export type ProgressMessage =
  | { type: 'ready'; userId: string }
  | {
      type: 'task';
      taskId: string;
      status: TaskStatus;
      progress: number;
      resultUrls?: string[];
      errorCode?: string | null;
      errorReason?: string | null;
    };

export const TERMINAL: ReadonlySet<TaskStatus> = new Set(['done', 'failed', 'canceled']);

/** Every non-2xx answer becomes one of these, carrying the server's `{error:{code,message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads the common error body; a proxy's HTML error page still gives a usable message. */
export function errorFromBody(status: number, text: string, retryAfter: string | null): ApiError {
  let code = `HTTP_${status}`;
  let message = text.slice(0, 200) || `HTTP ${status}`;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (parsed.error?.code) code = parsed.error.code;
    if (parsed.error?.message) message = parsed.error.message;
  } catch {
    // not JSON: keep the raw text
  }
  const seconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  return new ApiError(status, code, message, seconds);
}

type TokenSource = () => string | null;
type Unauthorized = () => void;

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thin typed wrapper over fetch for one backend (same origin in production). */
export class ApiClient {
  constructor(
    private readonly token: TokenSource,
    private readonly onUnauthorized: Unauthorized = () => undefined,
    readonly baseUrl = '',
  ) {}

  private headers(extra?: Record<string, string>): Record<string, string> {
    const token = this.token();
    return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
  }

  async raw(path: string, options: RequestOptions = {}): Promise<Response> {
    const hasBody = options.body !== undefined;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: options.method ?? (hasBody ? 'POST' : 'GET'),
      headers: this.headers({ ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers }),
      body: hasBody ? JSON.stringify(options.body) : undefined,
    });
    if (!res.ok) {
      if (res.status === 401 && this.token()) this.onUnauthorized();
      throw errorFromBody(res.status, await res.text(), res.headers.get('retry-after'));
    }
    return res;
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.raw(path, options);
    return (res.status === 204 ? null : await res.json()) as T;
  }

  // --- auth and membership
  sendCode = (phone: string) => this.json<{ sent: true; cooldownSeconds: number }>('/api/v1/auth/send-code', { body: { phone } });
  login = (phone: string, code: string) => this.json<LoginResponse>('/api/v1/auth/login', { body: { phone, code } });
  me = () => this.json<Me>('/api/v1/me');
  plans = () => this.json<{ plans: Plan[] }>('/api/v1/membership/plans');
  purchase = (channel: Channel, planId?: string) => this.json<PurchaseResponse>('/api/v1/membership/purchase', { body: { channel, planId } });
  order = (id: string, refresh = false) => this.json<Order>(`/api/v1/membership/orders/${encodeURIComponent(id)}${refresh ? '?refresh=1' : ''}`);

  // --- catalog and tasks
  scenes = () => this.json<SceneCatalog>('/api/v1/scenes');
  createTasks = (body: { type: TaskType; inputKeys: string[]; params: TaskParams }, idempotencyKey: string) =>
    this.json<TaskBatch>('/api/v1/tasks', { body, headers: { 'Idempotency-Key': idempotencyKey } });
  task = (id: string) => this.json<Task>(`/api/v1/tasks/${encodeURIComponent(id)}`);
  tasks = (q: { cursor?: string | null; limit?: number; type?: TaskType | ''; status?: TaskStatus | '' }) => {
    const search = new URLSearchParams();
    if (q.cursor) search.set('cursor', q.cursor);
    search.set('limit', String(q.limit ?? 20));
    if (q.type) search.set('type', q.type);
    if (q.status) search.set('status', q.status);
    return this.json<TaskPage>(`/api/v1/tasks?${search}`);
  };
  batch = (id: string) => this.json<TaskBatch>(`/api/v1/batches/${encodeURIComponent(id)}`);
  cancel = (id: string) => this.json<Task>(`/api/v1/tasks/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
  favorite = (id: string, favorite: boolean) => this.json<Task>(`/api/v1/tasks/${encodeURIComponent(id)}/favorite`, { body: { favorite } });
  hide = (id: string) => this.json<null>(`/api/v1/tasks/${encodeURIComponent(id)}`, { method: 'DELETE' });
  /** ZIPs need the bearer header, so they are fetched as blobs rather than linked. */
  taskZip = async (id: string) => (await this.raw(`/api/v1/tasks/${encodeURIComponent(id)}/download`)).blob();
  batchZip = async (id: string) => (await this.raw(`/api/v1/batches/${encodeURIComponent(id)}/download`)).blob();

  /**
   * Multipart upload through XHR: fetch has no upload progress events in browsers yet.
   * Resolves with the stored key; rejects with an ApiError built from the server's answer.
   */
  upload(file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<UploadResult> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.baseUrl}/api/v1/uploads`);
      for (const [k, v] of Object.entries(this.headers())) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          resolve(JSON.parse(xhr.responseText) as UploadResult);
        } else {
          if (xhr.status === 401) this.onUnauthorized();
          reject(errorFromBody(xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after')));
        }
      };
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'network error'));
      xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'upload canceled'));
      signal?.addEventListener('abort', () => xhr.abort());
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  }

  /** `ws(s)://<host>/ws`; the token travels as a subprotocol because browsers cannot set headers. */
  progressSocketUrl(): string {
    const base = this.baseUrl || window.location.origin;
    return `${base.replace(/^http/, 'ws')}/ws`;
  }
}
