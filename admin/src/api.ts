/**
 * The console's endpoints. Every shape comes from the backend's OpenAPI document through the
 * generated `@shared/api-types` (`npm run api:types`); pages import types from here only.
 */
import { errorFromBody, HttpClient, query } from '@shared/http';
import type { QueryOf, ResponseOf, Schemas } from '@shared/openapi';

import { ApiError } from '@shared/http';
export { ApiError };
export { query };

// Only the names pages use; the rest stay `Schemas[...]` / `ResponseOf<...>` where needed.
export type Admin = Schemas['Admin'];
export type DailyPoint = Schemas['AdminStats']['daily'][number];
export type AdminUser = Schemas['AdminUser'];
export type TaskStatus = Schemas['AdminTask']['status'];
/** `AdminTask.type` is a plain string; the list filter names the kinds the server runs. */
export type TaskType = NonNullable<TaskQuery['type']>;
export type AdminOrder = ResponseOf<'/api/v1/admin/orders', 'get'>['items'][number];
export type OrderStatus = AdminOrder['status'];
export type Channel = AdminOrder['channel'];
export type AdminScene = Schemas['AdminScene'];
export type CreditPack = Schemas['CreditPack'];
export type SceneKind = AdminScene['category'];
export type Setting = Schemas['Setting'];
export type AdminAccount = Schemas['AdminAccount'];
export type AdminTaskType = Schemas['AdminTaskType'];
export type TaskTypeInput = Schemas['CreateTaskType'];
export type TestRun = Schemas['TestRun'];

/** Filters as a form holds them: '' stands for "any" and is left out of the query string. */
type Filters<Q> = { [K in keyof Q]?: Q[K] | '' };
type UserQuery = QueryOf<'/api/v1/admin/users', 'get'>;
type TaskQuery = QueryOf<'/api/v1/admin/tasks', 'get'>;
type OrderQuery = QueryOf<'/api/v1/admin/orders', 'get'>;

/** Drops the '' of "any" so the typed query only carries chosen values. */
function chosen<Q extends object>(filters: Filters<Q>): Q {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '' && v !== undefined)) as Q;
}

const byId = (id: string) => ({ path: { id } });

export class AdminApi extends HttpClient {
  protected override readonly networkMessage = 'network error';

  login = (username: string, password: string) =>
    this.call('post', '/api/v1/admin/login', { body: { username, password } });
  me = () => this.call('get', '/api/v1/admin/me');
  /** What the console links to (the n8n editor), as the server is configured. */
  consoleConfig = () => this.call('get', '/api/v1/admin/console-config');
  /** The enabled task types with their names in both languages (public list). */
  taskTypes = () => this.call('get', '/api/v1/task-types');
  stats = (days = 14) => this.call('get', '/api/v1/admin/stats', { query: { days } });

  users = (q: Filters<UserQuery>) => this.call('get', '/api/v1/admin/users', { query: chosen(q) });
  ledger = (id: string, page = 1, pageSize = 20) =>
    this.call('get', '/api/v1/admin/users/{id}/ledger', { ...byId(id), query: { page, pageSize } });
  adjust = (id: string, delta: number, reason: string) =>
    this.call('post', '/api/v1/admin/users/{id}/adjust', { ...byId(id), body: { delta, reason } });

  tasks = (q: Filters<TaskQuery>) => this.call('get', '/api/v1/admin/tasks', { query: chosen(q) });
  task = (id: string) => this.call('get', '/api/v1/admin/tasks/{id}', byId(id));

  orders = (q: Filters<OrderQuery>) => this.call('get', '/api/v1/admin/orders', { query: chosen(q) });
  /** Asks the payment channel about a pending order (a lost notify) and answers it as stored now. */
  refreshOrder = (id: string) => this.call('post', '/api/v1/admin/orders/{id}/refresh', byId(id));

  scenes = (category?: SceneKind) => this.call('get', '/api/v1/admin/scenes', { query: { category } });
  createScene = (body: Schemas['CreateScene']) => this.call('post', '/api/v1/admin/scenes', { body });
  updateScene = (id: string, body: Schemas['UpdateScene']) =>
    this.call('patch', '/api/v1/admin/scenes/{id}', { ...byId(id), body });
  deleteScene = (id: string) => this.call('delete', '/api/v1/admin/scenes/{id}', byId(id));

  settings = () => this.call('get', '/api/v1/admin/settings');
  /** A number overrides the env default; null resets to it. */
  setSetting = (key: string, value: number | null) =>
    this.call('put', '/api/v1/admin/settings/{key}', { path: { key }, body: { value } });

  creditPacks = () => this.call('get', '/api/v1/admin/credit-packs');
  createCreditPack = (body: Schemas['CreditPackInput']) => this.call('post', '/api/v1/admin/credit-packs', { body });
  updateCreditPack = (id: string, body: Schemas['CreditPackInput']) =>
    this.call('put', '/api/v1/admin/credit-packs/{id}', { ...byId(id), body });

  /** Products (task types), disabled ones included, with workflow path and prompt template. */
  productList = () => this.call('get', '/api/v1/admin/task-types');
  createProduct = (body: Schemas['CreateTaskType']) => this.call('post', '/api/v1/admin/task-types', { body });
  updateProduct = (key: string, body: Schemas['UpdateTaskType']) =>
    this.call('patch', '/api/v1/admin/task-types/{key}', { path: { key }, body });
  testRuns = (key: string) => this.call('get', '/api/v1/admin/task-types/{key}/test-runs', { path: { key } });
  testRun = (key: string, id: string) =>
    this.call('get', '/api/v1/admin/task-types/{key}/test-runs/{id}', { path: { key, id } });
  startTestRun = (key: string, body: Schemas['StartTestRun']) =>
    this.call('post', '/api/v1/admin/task-types/{key}/test-runs', { path: { key }, body });
  /** A sample image for test runs (multipart), stored for the system test account. */
  async testUpload(file: Blob, name = 'sample.jpg'): Promise<Schemas['TestUpload']> {
    const form = new FormData();
    form.append('file', file, name);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1/admin/task-types/test-uploads`, {
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
    return (await res.json()) as Schemas['TestUpload'];
  }

  accounts = () => this.call('get', '/api/v1/admin/admins');
  createAccount = (body: Schemas['CreateAdminAccount']) => this.call('post', '/api/v1/admin/admins', { body });
  updateAccount = (id: string, body: Schemas['UpdateAdminAccount']) =>
    this.call('patch', '/api/v1/admin/admins/{id}', { ...byId(id), body });
}
