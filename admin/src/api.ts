/**
 * The console's one API client. Types mirror the OpenAPI document at `/api/docs` (schemas
 * `Admin`, `AdminStats`, `AdminUser`, `LedgerEntry`, `AdminTask`, `Order`, `AdminScene`,
 * `CreateScene`, `UpdateScene`); pages import types from here only.
 */
import type { AdminRole } from './roles';

export type TaskStatus = 'queued' | 'processing' | 'done' | 'failed' | 'canceled';
export type TaskType = 'basic_clean' | 'model_pose12';
export type OrderStatus = 'pending' | 'paid' | 'closed' | 'failed';
export type Channel = 'wechat' | 'alipay' | 'sandbox';
export type SceneKind = 'scene' | 'garment';

export interface Admin {
  id: string;
  username: string;
  role: AdminRole;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Stats {
  users: { total: number; members: number };
  orders: { total: number; paid: number; revenueFen: number };
  /** type → status → count */
  tasks: Record<string, Record<string, number>>;
  successRate: number | null;
  refunds: { count: number; credits: number };
  daily: DailyPoint[];
}

export interface DailyPoint {
  day: string;
  tasks: number;
  failed: number;
  paidOrders: number;
  revenueFen: number;
}

export interface AdminUser {
  id: string;
  phone: string;
  nickname: string | null;
  isMember: boolean;
  quotaRemaining: number;
  quotaExpireAt: string | null;
  createdAt: string;
}

export interface LedgerEntry {
  id: string;
  kind: 'grant' | 'reserve' | 'refund' | 'expire' | 'adjust';
  delta: number;
  balanceAfter: number;
  taskId: string | null;
  orderId: string | null;
  adminId: string | null;
  reason: string | null;
  createdAt: string;
}

export interface AdminTask {
  id: string;
  userId: string;
  phone: string;
  batchId: string;
  type: string;
  status: TaskStatus;
  progress: number;
  params: Record<string, unknown>;
  inputKey: string;
  resultKeys: string[];
  vendorTaskId: string | null;
  errorCode: string | null;
  errorReason: string | null;
  deadlineAt: string | null;
  createdAt: string | null;
  finishedAt: string | null;
  hidden: boolean;
}

export interface AdminTaskDetail extends AdminTask {
  inputUrl: string;
  resultUrls: string[];
}

export interface AdminOrder {
  id: string;
  status: OrderStatus;
  amountFen: number;
  channel: Channel;
  planId: string;
  createdAt: string;
  paidAt: string | null;
  userId: string;
  phone: string | null;
  outTradeNo: string;
  transactionId: string | null;
}

export interface OrdersPage extends Page<AdminOrder> {
  totals: { count: number; paidCount: number; paidAmountFen: number };
}

export interface AdminScene {
  id: string;
  code: string;
  name: string;
  category: SceneKind;
  promptFragment: string;
  thumbnailKey: string | null;
  thumbnailUrl?: string;
  active: boolean;
  sort: number;
  createdAt: string | null;
  updatedAt: string | null;
}

export type CreateScene = Pick<AdminScene, 'code' | 'name' | 'category' | 'promptFragment' | 'active' | 'sort'> & { thumbnailKey?: string | null };
export type UpdateScene = Partial<Pick<AdminScene, 'name' | 'promptFragment' | 'thumbnailKey' | 'active' | 'sort'>>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function toError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    return new ApiError(res.status, body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? text);
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, text.slice(0, 200) || `HTTP ${res.status}`);
  }
}

/** Query strings from optional filters: empty values are left out. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class AdminApi {
  constructor(
    private readonly token: () => string | null,
    private readonly onUnauthorized: () => void,
    readonly baseUrl = '',
  ) {}

  async json<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const token = this.token();
    const hasBody = init.body !== undefined;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method: init.method ?? (hasBody ? 'POST' : 'GET'),
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        body: hasBody ? JSON.stringify(init.body) : undefined,
      });
    } catch {
      throw new ApiError(0, 'NETWORK', '网络错误，请检查连接');
    }
    if (!res.ok) {
      if (res.status === 401 && token) this.onUnauthorized();
      throw await toError(res);
    }
    return (res.status === 204 ? null : await res.json()) as T;
  }

  login = (username: string, password: string) => this.json<{ token: string; admin: Admin }>('/api/v1/admin/login', { body: { username, password } });
  me = () => this.json<Admin>('/api/v1/admin/me');
  stats = (days = 14) => this.json<Stats>(`/api/v1/admin/stats${query({ days })}`);

  users = (q: { phone?: string; page?: number; pageSize?: number }) => this.json<Page<AdminUser>>(`/api/v1/admin/users${query(q)}`);
  ledger = (userId: string, page = 1, pageSize = 20) => this.json<Page<LedgerEntry>>(`/api/v1/admin/users/${encodeURIComponent(userId)}/ledger${query({ page, pageSize })}`);
  adjust = (userId: string, delta: number, reason: string) =>
    this.json<{ user: AdminUser; entry: LedgerEntry }>(`/api/v1/admin/users/${encodeURIComponent(userId)}/adjust`, { body: { delta, reason } });

  tasks = (q: { status?: string; type?: string; phone?: string; userId?: string; limit?: number; offset?: number }) =>
    this.json<{ items: AdminTask[]; total: number }>(`/api/v1/admin/tasks${query(q)}`);
  task = (id: string) => this.json<AdminTaskDetail>(`/api/v1/admin/tasks/${encodeURIComponent(id)}`);

  orders = (q: { status?: string; channel?: string; userId?: string; page?: number; pageSize?: number }) => this.json<OrdersPage>(`/api/v1/admin/orders${query(q)}`);

  scenes = (category?: SceneKind) => this.json<{ items: AdminScene[] }>(`/api/v1/admin/scenes${query({ category })}`);
  createScene = (body: CreateScene) => this.json<AdminScene>('/api/v1/admin/scenes', { body });
  updateScene = (id: string, body: UpdateScene) => this.json<AdminScene>(`/api/v1/admin/scenes/${encodeURIComponent(id)}`, { method: 'PATCH', body });
  deleteScene = (id: string) => this.json<null>(`/api/v1/admin/scenes/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
