/**
 * The portal's endpoints. Every shape comes from the backend's OpenAPI document through the
 * generated `common/api-types.ts` (`npm run api:types`); components import types from here.
 */
import type { paths } from './common/api-types';
import { ApiError, errorFromBody, HttpClient } from './common/http';
import type { QueryOf, ResponseOf, Schemas } from './common/openapi';
import { fileNameFromDisposition, type NamedBlob } from './lib/download';

export { ApiError, errorFromBody };

export type Me = Schemas['Me'];
export type Plan = Schemas['Plan'];
export type Order = Schemas['Order'];
export type PurchaseAnswer = Schemas['PurchaseResponse'];
export type PendingOrder = NonNullable<Schemas['PendingOrder']['pending']>;
export type PublicTaskType = Schemas['TaskType'];
export type Receipt = Schemas['Receipt'];
export type LedgerEntry = Schemas['MyLedgerEntry'];
export type MyCredits = Schemas['MyCredits'];
export type CreditPack = Schemas['CreditPack'];
export type Invite = Schemas['Invite'];
export type Task = Schemas['Task'];
export type TaskStatus = Task['status'];
export type TaskBatch = Schemas['TaskBatch'];
export type TaskPage = Schemas['TaskPage'];
export type SceneCatalog = Schemas['SceneCatalog'];
export type UploadResult = ResponseOf<'/api/v1/uploads', 'post'>;
export type UploadConfig = Schemas['UploadConfig'];
export type UploadCredentials = ResponseOf<'/api/v1/uploads/sts', 'post'>;
export type WechatSignIn = Schemas['WechatSignIn'];
export type WechatLink = Schemas['WechatLink'];
export type ApiKey = Schemas['ApiKey'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type { Schemas };
type TaskQuery = QueryOf<'/api/v1/tasks', 'get'>;

/** A progress message pushed on `/ws` (docs/DEVELOPMENT.md; not an HTTP route, so not in OpenAPI). */
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

type Path = keyof paths;
const byId = (id: string) => ({ path: { id } });

export class ApiClient extends HttpClient {
  // --- auth and membership
  sendCode = (phone: string) => this.call('post', '/api/v1/auth/send-code', { body: { phone } });
  login = (phone: string, code: string) => this.call('post', '/api/v1/auth/login', { body: { phone, code } });
  me = () => this.call('get', '/api/v1/me');
  plans = () => this.call('get', '/api/v1/membership/plans');
  channels = () => this.call('get', '/api/v1/payments/channels');
  purchase = (body: Schemas['PurchaseRequest']) => this.call('post', '/api/v1/membership/purchase', { body });
  order = (id: string, refresh = false) =>
    this.call('get', '/api/v1/membership/orders/{id}', { path: { id }, query: refresh ? { refresh: '1' } : {} });
  closeOrder = (id: string) => this.call('post', '/api/v1/membership/orders/{id}/close', byId(id));
  /** The newest order still payable where it was started (null when none): to continue after a reload. */
  pendingOrder = () => this.call('get', '/api/v1/membership/orders/pending');
  /** The products on sale, with their price per photo (public: the sign-in page lists them). */
  taskTypes = () => this.call('get', '/api/v1/task-types');

  // --- WeChat sign-in and the profile
  wechatConfig = () => this.call('get', '/api/v1/auth/wechat/config');
  wechatStart = () => this.call('post', '/api/v1/auth/wechat/web/start');
  wechatCallback = (code: string, state: string) =>
    this.call('post', '/api/v1/auth/wechat/web/callback', { body: { code, state } });
  wechatLinkPhone = (ticket: string, phone: string, code: string) =>
    this.call('post', '/api/v1/auth/wechat/link', { body: { ticket, phone, code } });
  myWechat = () => this.call('get', '/api/v1/me/wechat');
  wechatLinkStart = () => this.call('post', '/api/v1/me/wechat/start');
  wechatLinkCallback = (code: string, state: string) =>
    this.call('post', '/api/v1/me/wechat/callback', { body: { code, state } });
  unlinkWechat = () => this.call('delete', '/api/v1/me/wechat');
  setNickname = (nickname: string | null) => this.call('patch', '/api/v1/me', { body: { nickname } });
  removeAvatar = () => this.call('delete', '/api/v1/me/avatar');
  phoneCode = (target: 'old' | 'new', phone?: string) =>
    this.call('post', '/api/v1/me/phone/code', { body: phone ? { target, phone } : { target } });
  changePhone = (phone: string, oldCode: string, newCode: string) =>
    this.call('post', '/api/v1/me/phone', { body: { phone, oldCode, newCode } });
  signOutEverywhere = () => this.call('post', '/api/v1/me/sign-out-everywhere');

  /** The profile picture as multipart `file` (a picture is small: no progress needed). */
  async setAvatar(file: Blob, name: string): Promise<Me> {
    const form = new FormData();
    form.append('file', file, name);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1/me/avatar`, {
        method: 'POST',
        headers: this.authHeaders(),
        body: form,
      });
    } catch {
      throw new ApiError(0, 'NETWORK', this.networkMessage);
    }
    if (!res.ok) {
      this.noteStatus(res.status);
      throw errorFromBody(res.status, await res.text(), res.headers.get('retry-after'));
    }
    return (await res.json()) as Me;
  }

  // --- billing: my orders (receipts) and my ledger
  myOrders = (page: number, pageSize = 20) => this.call('get', '/api/v1/me/orders', { query: { page, pageSize } });
  receipt = (id: string) => this.call('get', '/api/v1/me/orders/{id}', byId(id));
  myLedger = (page: number, pageSize = 20) => this.call('get', '/api/v1/me/ledger', { query: { page, pageSize } });

  // --- credits: lots, packs, check-in, invites
  myCredits = () => this.call('get', '/api/v1/me/credits');
  packs = () => this.call('get', '/api/v1/credit-packs');
  buyPack = (id: string, body: Omit<Schemas['PurchaseRequest'], 'planId'>) =>
    this.call('post', '/api/v1/credit-packs/{id}/purchase', { path: { id }, body });
  checkinStatus = () => this.call('get', '/api/v1/me/checkin');
  checkIn = () => this.call('post', '/api/v1/me/checkin');
  invite = () => this.call('get', '/api/v1/me/invite');
  redeemInvite = (code: string) => this.call('post', '/api/v1/me/invite/redeem', { body: { code } });

  // --- catalog and tasks
  scenes = () => this.call('get', '/api/v1/scenes');
  createTasks = (body: Schemas['CreateTasks'], idempotencyKey: string) =>
    this.call('post', '/api/v1/tasks', { body, headers: { 'Idempotency-Key': idempotencyKey } });
  task = (id: string) => this.call('get', '/api/v1/tasks/{id}', byId(id));
  tasks = (q: TaskQuery) => this.call('get', '/api/v1/tasks', { query: q });
  batch = (id: string) => this.call('get', '/api/v1/batches/{id}', byId(id));
  cancel = (id: string) => this.call('post', '/api/v1/tasks/{id}/cancel', byId(id));
  favorite = (id: string, favorite: boolean) =>
    this.call('post', '/api/v1/tasks/{id}/favorite', { ...byId(id), body: { favorite } });
  hide = (id: string) => this.call('delete', '/api/v1/tasks/{id}', byId(id));
  /** ZIPs need the bearer header, so they are fetched as blobs rather than linked. */
  taskZip = (id: string) => this.blob('/api/v1/tasks/{id}/download', id);
  batchZip = (id: string) => this.blob('/api/v1/batches/{id}/download', id);
  /** The newest batches with their tasks (the workspace after a reload). */
  recentBatches = (limit = 3) => this.call('get', '/api/v1/batches', { query: { limit } });
  /** Hides own tasks among `ids` from the history; answers how many were hidden. */
  hideMany = (ids: string[]) => this.call('post', '/api/v1/tasks/hide', { body: { ids } });
  /** One ZIP of the selected tasks' results, with the name the server gave it. */
  async tasksZip(ids: string[]): Promise<{ blob: Blob; fileName: string }> {
    const res = await this.raw('/api/v1/tasks/download', { body: { ids } });
    return { blob: await res.blob(), fileName: attachmentName(res.headers.get('content-disposition'), 'aiphoto.zip') };
  }

  /** The archive and the name the server gave it (`白T恤.zip`: named after the upload). */
  private async blob(path: Path & `${string}/download`, id: string): Promise<NamedBlob> {
    const res = await this.raw(this.url('get', path, { path: { id } }));
    return {
      blob: await res.blob(),
      fileName: fileNameFromDisposition(res.headers.get('content-disposition'), 'aiphoto.zip'),
    };
  }

  // --- uploads: the server path (`upload`) or STS credentials + a direct PUT + `confirmUpload`
  uploadConfig = () => this.call('get', '/api/v1/uploads/config');
  uploadCredentials = () => this.call('post', '/api/v1/uploads/sts');
  confirmUpload = (key: string, name?: string) =>
    this.call('post', '/api/v1/uploads/confirm', { body: { key, ...(name ? { name } : {}) } });

  // --- automation: API keys and webhooks (the portal sign-in only; an API key gets 403 here)
  apiKeys = () => this.call('get', '/api/v1/api-keys');
  createApiKey = (name: string) => this.call('post', '/api/v1/api-keys', { body: { name } });
  revokeApiKey = (id: string) => this.call('delete', '/api/v1/api-keys/{id}', byId(id));
  webhooks = () => this.call('get', '/api/v1/webhooks');
  createWebhook = (body: Schemas['CreateWebhookEndpoint']) => this.call('post', '/api/v1/webhooks', { body });
  deleteWebhook = (id: string) => this.call('delete', '/api/v1/webhooks/{id}', byId(id));
  testWebhook = (id: string) => this.call('post', '/api/v1/webhooks/{id}/test', byId(id));
  webhookDeliveries = (id: string, limit = 20) =>
    this.call('get', '/api/v1/webhooks/{id}/deliveries', { ...byId(id), query: { limit } });

  /**
   * Multipart upload through XHR: fetch has no upload progress events in browsers yet.
   * Resolves with the stored key; rejects with an ApiError built from the server's answer.
   */
  upload(file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<UploadResult> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.baseUrl}/api/v1/uploads`);
      for (const [k, v] of Object.entries(this.authHeaders())) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          resolve(JSON.parse(xhr.responseText) as UploadResult);
        } else {
          this.noteStatus(xhr.status);
          reject(errorFromBody(xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after')));
        }
      };
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', this.networkMessage));
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

/** The UTF-8 `filename*` of a Content-Disposition header, else its plain `filename`, else `fallback`. */
export function attachmentName(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // a malformed encoding: try the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? fallback;
}
