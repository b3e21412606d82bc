/**
 * The admin console in a real browser (Debian's Chromium) against the whole system — backend on
 * SQLite, the vendor sandbox and the pinned n8n running the repo's workflows — in Chinese and in
 * English, at 1366 px and 375 px (issue 15, item 10): a 429 or 5xx says "try again later" and
 * keeps the session; statuses, task types and errors are in the console's language; credit
 * adjustments and role changes ask first; the ledger names the admin who adjusted; the n8n links
 * follow the configured n8n URL and a task's detail links to its execution (a canceled
 * model_pose12 whose execution the cancel stopped); price fields are in yuan with the unit; a new
 * scene goes last; order ids do not wrap. Screenshots go to test-artifacts/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../../jest/wait-for';
import { adminLogin, type Stack } from '../../scripts/stack';
import { randomPhone, requestJson, signUpMember, type Merchant } from '../../scripts/stack-client';
import { N8nSession } from '../../workflows/src/runtime/n8n-client';
import { garment, horizontalOverflow, screenshot, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(120_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;
let merchant: Merchant;
const tasks: Record<'done' | 'failed' | 'canceled', string> = { done: '', failed: '', canceled: '' };

interface Task {
  id: string;
  status: string;
}

const api = <T>(path: string, body?: unknown, token = merchant.token) =>
  requestJson<T>(`${stack.backend.url}${path}`, { token, body });

async function upload(seed: number): Promise<string> {
  const form = new FormData();
  const photo = await garment(seed);
  form.append('file', new Blob([new Uint8Array(photo.buffer)], { type: photo.mimeType }), photo.name);
  const res = await fetch(`${stack.backend.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${merchant.token}` },
    body: form,
  });
  if (res.status >= 300) throw new Error(`upload answered ${res.status}`);
  return ((await res.json()) as { key: string }).key;
}

async function createTask(type: string, inputKey: string, params: Record<string, string> = {}): Promise<string> {
  const created = await api<{ tasks: Task[] }>('/api/v1/tasks', { type, inputKey, params });
  return created.tasks[0].id;
}

function settled(id: string): Promise<Task> {
  return waitFor(
    () => api<Task>(`/api/v1/tasks/${id}`),
    (task) => ['done', 'failed', 'canceled'].includes(task.status),
    { timeoutMs: 60_000, what: `task ${id} to finish` },
  );
}

/** The admin's view of a task (its execution link), with the first admin's token. */
async function adminTask(id: string): Promise<{ n8nExecutionId: string | null; n8nExecutionUrl: string | null }> {
  const { token } = await requestJson<{ token: string }>(`${stack.backend.url}/api/v1/admin/login`, {
    body: adminLogin(stack),
  });
  return requestJson(`${stack.backend.url}/api/v1/admin/tasks/${id}`, { token });
}

beforeAll(async () => {
  ui = await startUiStack('console');
  ({ stack, browser } = ui);
  merchant = await signUpMember(stack, randomPhone('134'));
  tasks.done = await createTask('basic_clean', await upload(0));
  await settled(tasks.done);
  await requestJson(`${stack.sandbox.url}/sandbox/ci/script`, { body: { outcome: 'fail' } });
  tasks.failed = await createTask('basic_clean', await upload(1));
  await settled(tasks.failed);

  // A model_pose12 canceled while its workflow polls RunningHub: the cancel stops the execution.
  const photo = await upload(2);
  const puts = async () =>
    (await requestJson<{ calls: Record<string, number> }>(`${stack.sandbox.url}/sandbox/calls`)).calls[
      'cos:PutObject'
    ] ?? 0;
  const putsBefore = await puts();
  tasks.canceled = await createTask('model_pose12', photo, { scene: 'studio', category: 'dress' });
  const { n8nExecutionId } = await waitFor(
    () => adminTask(tasks.canceled),
    (t) => t.n8nExecutionId !== null,
    { timeoutMs: 30_000, what: 'the execution of the model_pose12 task' },
  );
  await api(`/api/v1/tasks/${tasks.canceled}/cancel`, {});
  const session = await N8nSession.login(stack.n8n.url, stack.owner);
  const execution = await waitFor(
    () =>
      session.get<{ data: { status: string; customData?: Record<string, string> } }>(
        `/rest/executions/${n8nExecutionId}`,
      ),
    (e) => !['new', 'running', 'waiting'].includes(e.data.status),
    { timeoutMs: 30_000, what: 'n8n to stop the canceled task’s execution' },
  );
  expect(execution.data).toMatchObject({ status: 'canceled', customData: { taskId: tasks.canceled } });
  // A stopped run copies nothing: no object was stored since the task was created (a copy is a PUT).
  expect(await puts()).toBe(putsBefore);
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

const CJK = /[\u3400-\u9fff\uff00-\uffef]/;

describe.each(['zh', 'en'] as const)('the console in %s', (lang) => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const en = lang === 'en';
  const text = (zh: string, english: string) => (en ? english : zh);
  const shot = (name: string) => screenshot(page, `console-${name}-${lang}`);

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    errors = watchErrors(context, stack.backend.url);
    await context.addInitScript((l) => window.localStorage.setItem('aiphoto.admin.lang', l), lang);
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${stack.backend.url}/admin/tasks`);
    await page.fill('input[name=username]', adminLogin(stack).username);
    await page.fill('input[name=password]', adminLogin(stack).password);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=task-row]');
  });
  afterAll(() => context?.close());

  it('shows task states, types and errors in the language, and links a task to its n8n execution', async () => {
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-row]').length === 3);
    const cells = await page.$$eval('[data-testid=task-row]', (rows) =>
      rows.map((r) => [r.getAttribute('data-status'), r.children[2].textContent, r.children[4].textContent]),
    );
    const state = {
      done: text('已完成', 'Done'),
      failed: text('失败', 'Failed'),
      canceled: text('已取消', 'Canceled'),
    };
    for (const [status, type, shown] of cells) {
      expect(shown).toBe(state[status as keyof typeof state]);
      expect(type).not.toMatch(/basic_clean|model_pose12/); // names, not codes
    }
    // The sidebar's n8n link is the configured n8n, not a guessed :5678.
    expect(await page.getAttribute('[data-testid=n8n-link]', 'href')).toBe(stack.n8n.url);

    // Each task names the photo the merchant uploaded (issue 15), in the list and in the detail.
    const fileNames = await page.$$eval('[data-testid=task-row]', (rows) =>
      rows.map((r) => [r.getAttribute('data-status'), r.querySelector('[data-testid=task-input-name]')?.textContent]),
    );
    expect(Object.fromEntries(fileNames)).toEqual({
      done: 'garment-0.jpg',
      failed: 'garment-1.jpg',
      canceled: 'garment-2.jpg',
    });
    const header = await page.$$eval('thead th', (ths) => ths.map((th) => th.textContent));
    expect(header[3]).toBe(text('原文件名', 'File name'));

    await page.click('[data-testid=task-row][data-status=failed]');
    await page.waitForSelector(`[data-testid=task-error] >> text=${text('供应商处理失败', 'The vendor failed')}`);
    expect(await page.textContent('[data-testid=task-error]')).toContain('VENDOR_FAILED');
    expect(await page.textContent('[data-testid=task-detail] [data-testid=task-input-name]')).toBe('garment-1.jpg');
    expect(await page.textContent('[data-testid=task-detail] .facts')).toContain(
      text('上传的文件名', 'Uploaded file name'),
    );

    await page.click('[data-testid=task-row][data-status=canceled]');
    const link = page.locator('[data-testid=task-execution-link]');
    await link.waitFor();
    const { n8nExecutionId, n8nExecutionUrl } = await adminTask(tasks.canceled);
    expect(await link.getAttribute('href')).toBe(n8nExecutionUrl);
    expect(n8nExecutionUrl).toMatch(new RegExp(`^${stack.n8n.url}/workflow/[^/]+/executions/${n8nExecutionId}$`));
    await shot('task-execution');

    // The link opens that execution in the n8n editor (signed in as its owner).
    const n8n = await context.newPage();
    await n8n.goto(`${stack.n8n.url}/signin`);
    await n8n.fill('input[type=email]', stack.owner.email);
    await n8n.fill('input[type=password]', stack.owner.password);
    await n8n.keyboard.press('Enter');
    await n8n.waitForURL((url) => !url.pathname.includes('signin'));
    await n8n.goto(n8nExecutionUrl ?? '');
    // n8n's own word for a stopped run, shown only on the execution's page. Waited for instead of
    // 'networkidle', which n8n's editor (push connection, lazy chunks) reached only after 30 s
    // under CI load; the URL is checked once the page shows it, so a redirect still fails.
    await n8n
      .getByText(/^Cancel+ed\b/)
      .first()
      .waitFor({ timeout: 90_000 });
    expect(n8n.url()).toBe(n8nExecutionUrl); // the execution's page, not a sign-in or a 404
    await n8n.screenshot({ path: `${__dirname}/../../test-artifacts/screenshots/console-n8n-execution-${lang}.png` });
    await n8n.close();
  }, 240_000);

  it('keeps the session on a 429 or 5xx and says to try again later', async () => {
    // A busy list: the page says when to try again, the console stays signed in.
    await page.route('**/api/v1/admin/tasks?*', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '30' },
        body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many requests' } }),
      }),
    );
    await page.click(`.sidebar >> text=${text('用户', 'Users')}`);
    await page.click(`.sidebar >> text=${text('任务', 'Tasks')}`);
    await page.waitForSelector(`.error >> text=${text('请 30 秒后再试', 'try again in 30 s')}`);
    await page.unroute('**/api/v1/admin/tasks?*');

    // The session check at a reload fails with 503: no silent sign-out, a retry brings it back.
    await page.route('**/api/v1/admin/me', (route) =>
      route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'database down' } }),
      }),
    );
    await page.reload();
    await page.waitForSelector(`[data-testid=unavailable] >> text=${text('请稍后再试', 'try again later')}`);
    expect(await page.$('input[name=password]')).toBeNull();
    expect(await page.evaluate(() => window.localStorage.getItem('aiphoto.admin.token'))).toBeTruthy();
    await shot('unavailable');
    await page.unroute('**/api/v1/admin/me');
    await page.click('[data-testid=unavailable-retry]');
    await page.waitForSelector('[data-testid=task-row]');
    // Exactly the answers this test forged, nothing else went wrong.
    const forged = errors.filter((e) => / → (429|503)$/.test(e) || /status of (429|503)/.test(e));
    expect(errors.filter((e) => !forged.includes(e))).toEqual([]);
    errors.length = 0;
  });

  it('asks before adjusting credits, and the ledger names the admin who did', async () => {
    await page.click(`.sidebar >> text=${text('用户', 'Users')}`);
    await page.fill('input[name=phone]', merchant.phone);
    await page.click(`text=${text('搜索', 'Search')}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=user-row]').length === 1);
    await page.click('[data-testid=user-row]');
    const before = Number(await page.textContent('[data-testid=user-quota]'));
    await page.fill('input[name=delta]', '-2');
    await page.fill('input[name=reason]', `e2e ${lang} correction`);
    await page.click('.adjust button[type=submit]');
    const ask = await page.textContent('[data-testid=adjust-confirm]');
    expect(ask).toContain(text(`从 ${merchant.phone} 扣减 2 点额度`, `Remove 2 credits from ${merchant.phone}`));
    await shot('adjust-confirm');
    // Canceled: nothing changes.
    await page.click(`[data-testid=adjust-confirm] >> text=${text('取消', 'Cancel')}`);
    await page.waitForSelector('[data-testid=adjust-confirm]', { state: 'detached' });
    expect(Number(await page.textContent('[data-testid=user-quota]'))).toBe(before);
    // Confirmed: one ledger row, in the language, with the admin's name.
    await page.click('.adjust button[type=submit]');
    await page.click('[data-testid=adjust-confirm-yes]');
    await page.waitForSelector(`[data-testid=ledger] >> text=e2e ${lang} correction`);
    expect(Number(await page.textContent('[data-testid=user-quota]'))).toBe(before - 2);
    const row = page.locator('[data-testid=ledger-row]', { hasText: `e2e ${lang} correction` });
    expect(await row.locator('td').nth(1).textContent()).toBe(text('人工调整', 'Manual adjustment'));
    const by = row.locator('[data-testid=ledger-admin]');
    expect(await by.getAttribute('data-admin')).toBe(adminLogin(stack).username);
    expect(await by.textContent()).toBe(
      text(`操作人：${adminLogin(stack).username}`, `by ${adminLogin(stack).username}`),
    );
    await shot('users-ledger');
  });

  it('asks before changing a role', async () => {
    const username = `ops-${lang}-e2e`;
    const { token } = await requestJson<{ token: string }>(`${stack.backend.url}/api/v1/admin/login`, {
      body: adminLogin(stack),
    });
    await requestJson(`${stack.backend.url}/api/v1/admin/admins`, {
      token,
      body: { username, password: 'Operator-e2e-1', role: 'operator' },
    });
    await page.click(`.sidebar >> text=${text('账号', 'Accounts')}`);
    const row = `[data-testid=account-row][data-username="${username}"]`;
    await page.waitForSelector(`${row}[data-role=operator]`);
    await page.selectOption(`${row} select`, 'admin');
    const ask = await page.textContent('[data-testid=role-confirm]');
    expect(ask).toContain(text(`把 ${username} 的角色改为「管理员」`, `Make ${username} Admin?`));
    expect(await page.getAttribute(row, 'data-role')).toBe('operator');
    await shot('role-confirm');
    await page.click(`[data-testid=role-confirm] >> text=${text('取消', 'Cancel')}`);
    expect(await page.$eval(`${row} select`, (s) => (s as HTMLSelectElement).value)).toBe('operator');
    await page.selectOption(`${row} select`, 'admin');
    await page.click('[data-testid=role-confirm-yes]');
    await page.waitForSelector(`${row}[data-role=admin]`);
  });

  it('shows prices in yuan with the unit and says where the n8n editor is', async () => {
    await page.click(`.sidebar >> text=${text('设置', 'Settings')}`);
    const price = '[data-testid=setting][data-key="plan.price_fen"]';
    await page.waitForSelector(price);
    expect(await page.textContent(`${price} strong`)).toBe(text('会员价格（元）', 'Membership price (yuan)'));
    expect(await page.textContent(`${price} [data-testid=setting-unit]`)).toBe(text('元', 'yuan'));
    expect(await page.inputValue(`${price} input`)).toBe('99.00');
    expect(await page.textContent(price)).not.toMatch(/\bfen\b/i);
    expect(await page.textContent('[data-testid=n8n-editor-url]')).toBe(stack.n8n.url);
    await shot('settings');
  });

  it('puts a new scene last', async () => {
    await page.click(`.sidebar >> text=${text('场景', 'Scenes')}`);
    await page.waitForSelector('[data-testid=scene-row][data-code=studio]');
    const code = `beach-${lang}`;
    await page.click(`text=${text('新增', 'Add')}`);
    await page.fill('[data-testid=scene-form] input[name=code]', code);
    await page.fill('[data-testid=scene-form] input[name=name]', en ? 'Beach' : '海滩');
    await page.fill('[data-testid=scene-form] textarea', 'sunny beach, soft sea breeze');
    await page.click(`[data-testid=scene-form] >> text=${text('保存', 'Save')}`);
    await page.waitForSelector(`[data-testid=scene-row][data-code=${code}]`);
    const scenes = await page.$$eval('section:first-of-type [data-testid=scene-row]', (rows) =>
      rows.map((r) => r.getAttribute('data-code')),
    );
    expect(scenes[scenes.length - 1]).toBe(code);
    await shot('scenes');
  });

  it('keeps order ids on one line', async () => {
    await page.click(`.sidebar >> text=${text('订单', 'Orders')}`);
    await page.waitForSelector('[data-testid=order-row]');
    const cells = await page.$$eval('[data-testid=order-no]', (tds) =>
      tds.map((td) => {
        const style = getComputedStyle(td);
        return {
          nowrap: style.whiteSpace === 'nowrap',
          lines: Math.round(td.scrollHeight / parseFloat(style.lineHeight || '20')),
        };
      }),
    );
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) expect(cell).toMatchObject({ nowrap: true });
    expect(await page.textContent('[data-testid=order-row] >> nth=0')).toContain(text('已支付', 'Paid'));
    await shot('orders');
  });

  it('speaks one language throughout, and fits a 375 px screen', async () => {
    const sections = ['dashboard', 'users', 'tasks', 'orders', 'settings', 'accounts'];
    for (const section of sections) {
      await page.goto(`${stack.backend.url}/admin/${section}`);
      await page.waitForSelector(`[data-testid=${section}]`);
      await page.waitForLoadState('networkidle');
      if (en) {
        // Everything but the switch to Chinese, which is named in Chinese on purpose.
        const shown = await page.$eval('.console', (el) => {
          const copy = el.cloneNode(true) as HTMLElement;
          copy.querySelector('[data-testid=lang-toggle]')?.remove();
          return copy.textContent;
        });
        expect({ section, cjk: shown?.match(new RegExp(CJK.source, 'g'))?.join('') ?? '' }).toEqual({
          section,
          cjk: '',
        });
      }
    }
    await page.setViewportSize({ width: 375, height: 812 });
    for (const section of [...sections, 'scenes']) {
      await page.goto(`${stack.backend.url}/admin/${section}`);
      await page.waitForSelector(`[data-testid=${section}]`);
      expect({ section, overflow: await horizontalOverflow(page) }).toEqual({ section, overflow: 0 });
      await screenshot(page, `mobile-console-${section}-${lang}`);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
    expect(errors).toEqual([]);
  });
});
