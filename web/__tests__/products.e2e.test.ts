/**
 * The operator guide "Add a product" (workflows/README.md) followed in a real browser (Debian's
 * Chromium) against the whole system — backend on SQLite, the vendor sandbox and the pinned n8n
 * running the repo's workflows — in Chinese and in English (issue 12, items 1 and 5). An admin
 * opens 产品 / Products, is told in the console's language which fields the server refused,
 * registers a product that points at the shipped `aiphoto-basic-clean` workflow under a new key,
 * name and price (disabled), test-runs it with a sample image and sees the result image, enables
 * it (disabling asks first) and moves it up; an operator has no Products menu and is refused the
 * page. A merchant then picks the product in the portal's create form (built from
 * GET /api/v1/task-types), gets its result and pays its price. Screenshots go to test-artifacts/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../../jest/wait-for';
import { adminLogin, type Stack } from '../../scripts/stack';
import { randomPhone, requestJson, signUpMember, type Merchant } from '../../scripts/stack-client';
import { garment, imagesLoaded, screenshot, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(120_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;

interface PublicType {
  key: string;
  name: { zh: string; en: string };
  credits: number;
}
interface Task {
  id: string;
  status: string;
  resultUrls: string[];
  errorCode: string | null;
}

beforeAll(async () => {
  ui = await startUiStack('products');
  ({ stack, browser } = ui);
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

const CJK = /[\u3400-\u9fff]/;

async function signIn(context: BrowserContext, lang: 'zh' | 'en', login: { username: string; password: string }) {
  await context.addInitScript((l) => window.localStorage.setItem('aiphoto.admin.lang', l), lang);
  const page = await context.newPage();
  await page.goto(`${stack.backend.url}/admin/products`);
  await page.fill('input[name=username]', login.username);
  await page.fill('input[name=password]', login.password);
  await page.click('button[type=submit]');
  return page;
}

describe.each(['zh', 'en'] as const)('adding a product in %s', (lang) => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let merchant: Merchant;
  const en = lang === 'en';
  const text = (zh: string, english: string) => (en ? english : zh);
  const key = `clean_${lang}`;
  const name = { zh: `白底快图${lang}`, en: `Quick white ${lang}` };
  const shot = (n: string) => screenshot(page, `products-${n}-${lang}`);
  const row = () => page.locator(`[data-testid=product-row][data-key=${key}]`);
  const dialogs: string[] = [];
  let answer = true;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    errors = watchErrors(context, stack.backend.url);
    page = await signIn(context, lang, adminLogin(stack));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void (answer ? d.accept() : d.dismiss());
    });
    await page.waitForSelector('[data-testid=product-row][data-key=basic_clean]');
  });
  afterAll(() => context?.close());

  it('lists the products in order with their state; prompts are shown only here', async () => {
    const keys = await page.$$eval('[data-testid=product-row]', (rows) => rows.map((r) => r.getAttribute('data-key')));
    // The seeded two in their order (a product added in the other language's run may sit between).
    expect(keys.indexOf('basic_clean')).toBeGreaterThanOrEqual(0);
    expect(keys.indexOf('basic_clean')).toBeLessThan(keys.indexOf('model_pose12'));
    await expect(page.locator('.sidebar a.active').innerText()).resolves.toBe(text('产品', 'Products'));
    await expect(row().count()).resolves.toBe(0);
    await shot('list');
  });

  it('shows the fields the server refused next to them, in the language', async () => {
    await page.click('[data-testid=add-product]');
    await page.fill('input[name=key]', 'Bad Key');
    await page.fill('input[name=webhookPath]', 'aiphoto-basic-clean');
    await page.fill('input[name=nameZh]', name.zh);
    await page.fill('input[name=nameEn]', '');
    await page.fill('input[name=credits]', '0');
    await page.click('[data-testid=product-form] button[type=submit]');
    const refused = page.locator('[data-testid=product-form] [data-testid=field-error]');
    await refused.first().waitFor();
    const shown = await refused.evaluateAll((els) => els.map((e) => [e.getAttribute('data-path'), e.textContent]));
    const paths = shown.map(([p]) => p);
    expect(paths).toEqual(expect.arrayContaining(['key', 'name.en', 'credits']));
    for (const [, message] of shown) {
      expect(CJK.test(message ?? '')).toBe(!en);
      expect(message).not.toMatch(/String must|Number must|lowercase letters, digits and _ \(2/);
    }
    expect(shown.find(([p]) => p === 'credits')?.[1]).toBe(text('须为 1–1000 的整数', 'A whole number from 1 to 1000'));
    await expect(page.locator('[data-testid=form-error]').innerText()).resolves.toBe(
      text('有字段不符合要求，请按标注修改后再保存', 'Some fields are not valid: fix the marked ones and save again'),
    );
    await shot('refused');
    // The refused save is the one failed request this page is expected to make.
    expect(errors.splice(0).map((e) => e.replace(/^.*→ /, ''))).toEqual(expect.arrayContaining(['400']));
  });

  it('registers a disabled product on the shipped basic_clean workflow', async () => {
    await page.fill('input[name=key]', key);
    await page.fill('input[name=nameEn]', name.en);
    await page.fill('[name=descriptionZh]', '白底主图，试用新价格');
    await page.fill('[name=descriptionEn]', 'White background, new price');
    await page.fill('input[name=credits]', '2');
    await page.fill('input[name=deadlineSeconds]', '120');
    await page.click('[data-testid=product-form] button[type=submit]');
    await row().waitFor();
    await expect(row().getAttribute('data-enabled')).resolves.toBe('false');
    await expect(page.locator('[data-testid=product-form]').count()).resolves.toBe(0);
    // Not offered to merchants while disabled.
    const offered = await requestJson<{ items: PublicType[] }>(`${stack.backend.url}/api/v1/task-types`);
    expect(offered.items.map((t) => t.key)).not.toContain(key);
  });

  it('test-runs it with a sample image and shows the result', async () => {
    await row().locator('[data-testid=test]').click();
    const panel = page.locator('[data-testid=test-run]');
    await panel.waitFor();
    await expect(panel.locator('h2').innerText()).resolves.toBe(text(`测试运行：${name.zh}`, `Test run: ${name.en}`));
    await panel.locator('[data-testid=start-test-run]').click();
    await expect(panel.locator('[role=alert]').innerText()).resolves.toBe(
      text('请先为每个输入上传示例图片', 'Upload a sample image for every input first'),
    );
    await panel.locator('[data-testid=sample-garment]').setInputFiles(await garment(en ? 7 : 8));
    await panel.locator('[data-testid=sample-ready]').waitFor();
    await panel.locator('[data-testid=start-test-run]').click();
    await panel.locator('[data-testid=test-run-outcome][data-status=done]').waitFor({ timeout: 60_000 });
    await expect(panel.locator('[data-testid=test-run-status]').innerText()).resolves.toBe(text('已完成', 'Done'));
    await imagesLoaded(page, '[data-testid=test-run-result]', 1);
    await panel.locator('[data-testid=test-run-row][data-status=done]').waitFor();
    await shot('test-run');

    // The vendor fails the next one: the same sample again shows the failure code and its label.
    await requestJson(`${stack.sandbox.url}/sandbox/ci/script`, { body: { outcome: 'fail', times: 1 } });
    await panel.locator('[data-testid=test-run-row]').first().locator('[data-testid=run-again]').click();
    await panel.locator('[data-testid=test-run-outcome][data-status=failed]').waitFor({ timeout: 60_000 });
    await expect(panel.locator('[data-testid=test-run-error-code]').innerText()).resolves.toBe('VENDOR_FAILED');
    await expect(panel.locator('[data-testid=test-run-outcome] dd').first().innerText()).resolves.toContain(
      text('供应商处理失败', 'The vendor failed'),
    );
    await expect(panel.locator('[data-testid=test-run-row]').count()).resolves.toBe(2);
    await shot('test-run-failed');
  });

  it('enables it, asks before disabling, and moves it up', async () => {
    await row().locator('[data-testid=toggle]').click();
    await page.locator(`[data-testid=product-row][data-key=${key}][data-enabled=true]`).waitFor();
    answer = false;
    await row().locator('[data-testid=toggle]').click();
    await waitFor(
      () => dialogs.length,
      (n) => n === 1,
    );
    expect(dialogs[0]).toBe(
      text(
        `停用「${name.zh}」？商家将不能再创建这种任务；已创建的任务不受影响。`,
        `Disable “${name.en}”? Merchants can no longer create it; tasks already created are not affected.`,
      ),
    );
    answer = true;
    await expect(row().getAttribute('data-enabled')).resolves.toBe('true');
    const order = () => page.$$eval('[data-testid=product-row]', (rows) => rows.map((r) => r.getAttribute('data-key')));
    const before = await order();
    const at = before.indexOf(key);
    expect(at).toBeGreaterThan(0);
    await row().locator('[data-testid=move-up]').click();
    await waitFor(order, (keys) => keys.indexOf(key) === at - 1, { what: 'the product to move up' });
    const offered = await requestJson<{ items: PublicType[] }>(`${stack.backend.url}/api/v1/task-types`);
    const keys = offered.items.map((t) => t.key);
    expect(keys).toContain(key);
    expect(keys.indexOf(key)).toBeLessThan(keys.indexOf(before[at - 1]!));
    expect(offered.items.find((t) => t.key === key)).toEqual(expect.objectContaining({ name, credits: 2 }));
    expect(JSON.stringify(offered)).not.toMatch(/webhookPath|promptTemplate|aiphoto-basic-clean/);
    await shot('enabled');
  });

  it('lets a merchant pick the new product in the portal and get its result, paying its price', async () => {
    merchant = await signUpMember(stack, randomPhone(en ? '136' : '137'));
    const me = () =>
      requestJson<{ quotaRemaining: number }>(`${stack.backend.url}/api/v1/me`, { token: merchant.token });
    const before = (await me()).quotaRemaining;
    const portal = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await portal.addInitScript(
        ([token, l]) => {
          window.localStorage.setItem('aiphoto.token', token);
          window.localStorage.setItem('aiphoto.lang', l);
        },
        [merchant.token, lang] as const,
      );
      const portalErrors = watchErrors(portal, stack.backend.url);
      const p = await portal.newPage();
      await p.goto(`${stack.backend.url}/`);
      await p.waitForSelector(`[data-testid=type-card][data-type=${key}]`);
      expect(await p.textContent(`[data-testid=type-card][data-type=${key}] strong`)).toBe(name[lang]);
      expect(await p.textContent(`[data-testid=type-card][data-type=${key}] [data-testid=type-price]`)).toContain('2');
      await p.check(`input[name=type][value=${key}]`);
      await p.setInputFiles('[data-testid=file-input]', [await garment(en ? 21 : 22)]);
      await p.waitForSelector('.upload[data-state=done]');
      await p.click('[data-testid=submit]');
      await p.click('[data-testid=confirm]');
      const listed = await waitFor(
        () =>
          requestJson<{ items: Task[] }>(`${stack.backend.url}/api/v1/tasks?type=${key}&limit=1`, {
            token: merchant.token,
          }),
        (l) => ['done', 'failed', 'canceled'].includes(l.items[0]?.status ?? ''),
        { timeoutMs: 60_000, what: 'the merchant task of the new product' },
      );
      const task = listed.items[0];
      expect(task).toMatchObject({ status: 'done', errorCode: null });
      expect(task.resultUrls).toHaveLength(1);
      expect((await me()).quotaRemaining).toBe(before - 2);
      await p.click(`[data-task-id="${task.id}"] .thumb`);
      await p.waitForSelector('[data-testid=task-page][data-status=done]');
      expect(await p.textContent('[data-testid=task-page] h1')).toBe(name[lang]);
      await imagesLoaded(p, '[data-testid=result-image]', 1);
      await screenshot(p, `products-merchant-${lang}`);
      expect(portalErrors).toEqual([]);
    } finally {
      await portal.close();
    }
  });

  it('has no Products menu for operators, and refuses them the page', async () => {
    const operator = { username: `ops-${lang}`, password: 'operator-pass-123', role: 'operator' };
    const { token } = await requestJson<{ token: string }>(`${stack.backend.url}/api/v1/admin/login`, {
      body: adminLogin(stack),
    });
    await requestJson(`${stack.backend.url}/api/v1/admin/admins`, { token, body: operator });
    const opsContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    try {
      const ops = await signIn(opsContext, lang, operator);
      await ops.waitForSelector('[data-testid=not-allowed]');
      const menu = await ops.$$eval('.sidebar a', (links) => links.map((a) => a.getAttribute('href')));
      expect(menu).not.toContain('/admin/products');
      expect(menu).toContain('/admin/tasks');
      await screenshot(ops, `products-operator-${lang}`);
    } finally {
      await opsContext.close();
    }
    expect(errors).toEqual([]);
  });
});
