/**
 * The portal and the console in a real browser (Debian's Chromium) against the whole system:
 * backend on SQLite, the vendor sandbox and the pinned n8n running the repo's workflows.
 * A merchant logs in with the texted code, pays in the sandbox, uploads, runs basic_clean and
 * model_pose12 and sees the images; a failure shows "not charged" and retries; an admin finds
 * the merchant, adjusts credits and sees the ledger row, changes the plan price (the portal's buy
 * button follows) and queries the channel for a pending order. A reloaded task page shows the
 * original from the task's signed `inputUrl`. No console errors anywhere, and the main screens
 * fit a 375 px wide phone. The admin creates an operator, who sees only tasks and scenes, and
 * disables it: its token and sign-in are refused. On the developer page a merchant creates an
 * API key (shown once), calls the API with it and revokes it, and registers a webhook whose test
 * ping reaches a local receiver signed with the once-shown secret. Screenshots go to
 * test-artifacts/screenshots/.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminLogin, type Stack } from '../../scripts/stack';
import { randomPhone, requestJson, signInMerchant } from '../../scripts/stack-client';
import { Webhook } from 'standardwebhooks';
import { computeLegacySignature, signLegacyMessage } from '../../backend/src/modules/n8n/signed-message';
import {
  expectSecurityHeaders,
  garment,
  horizontalOverflow,
  imagesLoaded,
  screenshot,
  SCREENSHOTS,
  watchCsp,
  watchErrors,
} from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';
import { waitFor } from '../../jest/wait-for';

jest.setTimeout(120_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;
const phone = randomPhone('135');

const sandbox = (p: string, body?: unknown) =>
  fetch(
    `${stack.sandbox.url}${p}`,
    body === undefined
      ? undefined
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );

/** A JSON call to the backend as a merchant (setup that the browser steps do not cover). */
const backendJson = <T>(p: string, token: string | null, body?: unknown): Promise<T> =>
  requestJson<T>(`${stack.backend.url}${p}`, { token: token ?? undefined, body });

/** Logs a fresh merchant in through the API, reading the code from the sandbox SMS outbox. */
const merchantToken = async (merchantPhone: string): Promise<string> =>
  (await signInMerchant(stack, merchantPhone)).token;

beforeAll(async () => {
  ui = await startUiStack('ui');
  ({ stack, browser } = ui);
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

describe('merchant portal', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let csp: string[];

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    errors = watchErrors(context, stack.backend.url);
    csp = await watchCsp(context, stack.backend.url);
    page = await context.newPage();
  });
  afterAll(() => context?.close());
  afterEach(() => {
    expect(errors).toEqual([]);
    expect(csp).toEqual([]); // the portal works under its Content-Security-Policy
  });

  it('logs in with the texted code and loads fast', async () => {
    const served = await page.goto(`${stack.backend.url}/`);
    expectSecurityHeaders(served?.headers() ?? {}, 'page');
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd),
        loadMs: Math.round(nav.loadEventEnd),
        transferBytes: nav.transferSize,
      };
    });
    writeFileSync(path.join(SCREENSHOTS, '..', 'portal-first-load.json'), JSON.stringify(timing, null, 2));
    expect(timing.loadMs).toBeLessThan(3000);

    await page.fill('input[name=phone]', phone);
    await page.click('[data-testid=send-code]');
    await page.waitForSelector('text=验证码已发送');
    expect(await page.textContent('[data-testid=send-code]')).toMatch(/\d+ 秒后重发/); // the 60 s cooldown runs
    const outbox = (await (await sandbox(`/sandbox/sms/outbox?phone=${phone}`)).json()) as {
      items: Array<{ code: string }>;
    };
    await page.fill('input[name=code]', outbox.items[0].code);
    await screenshot(page, 'portal-login');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=membership][data-state=none]');
    await screenshot(page, 'portal-workspace-not-member');
  });

  it('buys a membership on the sandbox pay page and sees the credits', async () => {
    await page.click('[data-testid=buy]');
    const [payPage] = await Promise.all([context.waitForEvent('page'), page.click('[data-testid=pay-sandbox]')]);
    await page.waitForSelector('[data-testid=pay-waiting]');
    await payPage.waitForSelector('#pay');
    await payPage.click('#pay'); // the sandbox page POSTs /sandbox/pay/<outTradeNo>, which notifies the backend
    await page.waitForSelector('[data-testid=pay-paid]', { timeout: 10_000 });
    await payPage.close();
    await page.waitForSelector('[data-testid=membership][data-state=active]');
    expect(await page.textContent('[data-testid=credits]')).toBe('100');
  });

  it('cleans two photos into white-background images, live, and shows before/after', async () => {
    await page.setInputFiles('[data-testid=file-input]', [await garment(0), await garment(1)]);
    await page.waitForFunction(() => document.querySelectorAll('.upload[data-state=done]').length === 2);
    expect(await page.textContent('[data-testid=cost]')).toContain('消耗 2 点');
    await page.click('[data-testid=submit]');
    await page.click('[data-testid=confirm]');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=task-card][data-status=done]').length === 2,
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForFunction(() => document.querySelector('[data-testid=credits]')?.textContent === '98');
    await imagesLoaded(page, '[data-testid=task-card] img', 2);
    await screenshot(page, 'portal-workspace-basic-clean');

    await page.click('[data-testid=task-card] .thumb');
    await page.waitForSelector('[data-testid=before-after]');
    await imagesLoaded(page, '[data-testid=before-after] img', 2);
    await screenshot(page, 'portal-task-basic-clean');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=task-zip]')]);
    // Named after the upload (garment-0.jpg or garment-1.jpg), never after a task id.
    expect(download.suggestedFilename()).toMatch(/^garment-[01]\.zip$/);

    // After a reload nothing of the upload is left in the page: "before" is the task's signed inputUrl.
    await page.reload();
    await page.waitForSelector('[data-testid=before-after]');
    await imagesLoaded(page, '[data-testid=before-after] img', 2);
    const before = await page.getAttribute('[data-testid=before-after] img >> nth=0', 'src');
    expect(before).toMatch(/^https?:\/\/.+\/input\//);
    await screenshot(page, 'portal-task-reloaded');
  });

  it('generates a model in 12 poses for a chosen scene and category, with zoom', async () => {
    await page.click('text=工作台');
    await page.setInputFiles('[data-testid=file-input]', [await garment(2)]);
    await page.check('input[value=model_pose12]');
    await page.check('input[name=scene][value=street]');
    await page.check('input[name=category][value=dress]');
    await page.waitForSelector('.upload[data-state=done]');
    await page.click('[data-testid=submit]');
    await page.click('[data-testid=confirm]');
    const card = '[data-testid=batch] >> nth=0 >> [data-testid=task-card]';
    await page.waitForSelector(`${card}[data-status=done]`, { timeout: 60_000 });
    await page.click(`${card} .thumb`);
    await imagesLoaded(page, '[data-testid=result-image]', 12);
    await screenshot(page, 'portal-task-model-pose12');
    await page.click('[data-testid=result-image] >> nth=3');
    await page.waitForSelector('[data-testid=lightbox] >> text=第 4 张');
    await screenshot(page, 'portal-lightbox');
    await page.keyboard.press('Escape');
  });

  it('shows a failure as not charged, and a retry succeeds', async () => {
    await sandbox('/sandbox/ci/script', { outcome: 'fail', times: 1 });
    await page.click('text=工作台');
    // The form comes back with the last type made (model_pose12): this one is a white-background image.
    await page.check('input[name=type][value=basic_clean]');
    await page.setInputFiles('[data-testid=file-input]', [await garment(3)]);
    await page.waitForSelector('.upload[data-state=done]');
    await page.click('[data-testid=submit]');
    await page.click('[data-testid=confirm]');
    const card = '[data-testid=batch] >> nth=0 >> [data-testid=task-card]';
    await page.waitForSelector(`${card}[data-status=failed]`, { timeout: 30_000 });
    expect(await page.textContent(`${card} [data-testid=failure]`)).toContain('点数已退回');
    await page.waitForFunction(() => document.querySelector('[data-testid=header-credits]')?.textContent === '97 点');
    await screenshot(page, 'portal-task-failed');
    await page.click(`${card} [data-testid=retry]`);
    await page.waitForSelector('[data-testid=task-page][data-status=done]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=before-after]');
  });

  it('lists history with filters, switches to English, and fits a 375 px screen', async () => {
    await page.click('text=作品');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-card]').length === 5);
    await page.selectOption('[data-testid=history] select >> nth=0', 'model_pose12');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-card]').length === 1);
    await page.selectOption('[data-testid=history] select >> nth=0', '');
    await page.selectOption('[data-testid=history] select >> nth=1', 'failed');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-card]').length === 1);
    await page.selectOption('[data-testid=history] select >> nth=1', '');
    await screenshot(page, 'portal-history');

    await page.click('[data-testid=lang-toggle]');
    await page.waitForSelector('text=My images');
    await page.click('[data-testid=lang-toggle]');

    await page.setViewportSize({ width: 375, height: 812 });
    for (const [route, ready, name] of [
      ['/', '[data-testid=create]', 'mobile-workspace'],
      ['/tasks', '[data-testid=task-card]', 'mobile-history'],
    ] as const) {
      await page.goto(`${stack.backend.url}${route}`);
      await page.waitForSelector(ready);
      expect({ route, overflow: await horizontalOverflow(page) }).toEqual({ route, overflow: 0 });
      await screenshot(page, name);
    }
    await page.click('[data-testid=task-card] .thumb');
    await page.waitForSelector('[data-testid=task-page]');
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'mobile-task');
    await page.click('text=退出');
    await page.waitForSelector('input[name=phone]');
    expect(await horizontalOverflow(page)).toBe(0);
  });
});

describe('content security policy', () => {
  it('refuses script injected into the portal (inline and in an attribute) and reports the violation', async () => {
    const context = await browser.newContext();
    const csp = await watchCsp(context, stack.backend.url);
    const page = await context.newPage();
    await page.goto(`${stack.backend.url}/`);
    await page.waitForSelector('input[name=phone]');
    // What an XSS would add to the page; page.evaluate itself is the test's hand, not the page's.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = "inline"';
      document.body.appendChild(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.injected = "attribute"');
      img.src = 'data:,broken';
      document.body.appendChild(img);
    });
    await waitFor(
      () => csp.length,
      (n) => n >= 2,
      { what: 'the two CSP violation reports' },
    );
    expect(await page.evaluate(() => (window as unknown as { injected?: string }).injected)).toBeUndefined();
    expect(csp.some((v) => v.includes('[csp] script-src-elem'))).toBe(true);
    expect(csp.some((v) => v.includes('[csp] script-src-attr'))).toBe(true);
    await context.close();
  });
});

describe('developer page', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let csp: string[];
  // A merchant's webhook receiver on loopback (allowed outside production): records raw bodies.
  let receiver: Server;
  let hookUrl: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/aiphoto-hook`;

    const token = await merchantToken(randomPhone('138'));
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Granted so the copy button's clipboard write is deterministic in headless Chromium.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.backend.url });
    errors = watchErrors(context, stack.backend.url);
    csp = await watchCsp(context, stack.backend.url);
    await context.addInitScript((t) => window.localStorage.setItem('aiphoto.token', t), token);
    page = await context.newPage();
    await page.goto(`${stack.backend.url}/developer`);
    await page.waitForSelector('[data-testid=developer] >> text=还没有 API 密钥');
  });
  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });
  afterEach(() => {
    expect(errors).toEqual([]);
    expect(csp).toEqual([]);
  });

  it('creates an API key shown once, calls the API with it, and revokes it', async () => {
    await page.fill('input[name=keyName]', 'e2e ERP');
    await page.click('[data-testid=api-key-create]');
    await page.waitForSelector('[data-testid=secret-dialog][data-kind=apiKey] >> text=只显示一次');
    const key = await page.inputValue('[data-testid=secret-value]');
    expect(key).toMatch(/^ak_[0-9a-f]{8}_/);
    await page.click('[data-testid=secret-copy]');
    await page.waitForSelector('[data-testid=secret-copy] >> text=已复制');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.click('[data-testid=secret-close]');
    await page.waitForSelector('[data-testid=secret-dialog]', { state: 'detached' });
    expect(await page.content()).not.toContain(key); // gone from the page once closed

    const row = '[data-testid=api-key-row][data-name="e2e ERP"]';
    expect(await page.textContent(row)).toContain(`${key.slice(0, 11)}_…`); // ak_<prefix>_…
    const tasks = (headers: Record<string, string>) => fetch(`${stack.backend.url}/api/v1/tasks`, { headers });
    expect((await tasks({ authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await tasks({ 'x-api-key': key })).status).toBe(200);

    // A webhook registered with the key (as the n8n events trigger does) is marked with the key…
    const viaKey = `${hookUrl}?by=key`;
    const made = await fetch(`${stack.backend.url}/api/v1/webhooks`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ url: viaKey, events: ['task.done'] }),
    });
    expect(made.status).toBe(201);
    await page.reload();
    const keyHook = `[data-testid=webhook-row][data-url="${viaKey}"]`;
    expect(await page.textContent(`${keyHook} [data-testid=webhook-by-key]`)).toContain(`${key.slice(0, 11)}_…`);

    await page.click(`${row} [data-testid=api-key-revoke]`);
    await page.click(`${row} [data-testid=api-key-revoke-yes]`);
    await page.waitForSelector(`${row}[data-revoked=true]`);
    // …and goes with it.
    await page.reload();
    await page.waitForSelector(`${row}[data-revoked=true]`);
    expect(await page.$(keyHook)).toBeNull();
    const refused = await tasks({ authorization: `Bearer ${key}` });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('INVALID_API_KEY');
  });

  it('registers a webhook whose test ping is signed with the once-shown secret, logs it, fits 375 px, and deletes it', async () => {
    await page.fill('input[name=webhookUrl]', hookUrl);
    await page.uncheck('input[name=event][value="task.canceled"]');
    await page.click('[data-testid=webhook-create]');
    await page.waitForSelector('[data-testid=secret-dialog][data-kind=webhook] >> text=只显示一次');
    const secret = await page.inputValue('[data-testid=secret-value]');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await page.click('[data-testid=secret-close]');

    const row = `[data-testid=webhook-row][data-url="${hookUrl}"]`;
    const events = await page.$$eval(`${row} .chip`, (chips) => chips.map((c) => c.textContent));
    expect(events).toEqual(['task.done', 'task.failed']);
    await page.click(`${row} [data-testid=webhook-test]`);
    await page.waitForSelector(`${row} [data-testid=webhook-test-result][data-status=delivered] >> text=HTTP 200`);

    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    // Standard Webhooks: the reference library verifies the ping with the secret the page showed.
    expect(new Webhook(secret).verify(body, headers as Record<string, string>)).toMatchObject({ type: 'ping' });
    expect(() => new Webhook(secret).verify(`${body} `, headers as Record<string, string>)).toThrow();
    expect(headers['webhook-id']).toBe(JSON.parse(body).id);
    expect(await page.textContent('[data-testid=webhook-headers]')).toContain('webhook-signature: v1,');
    // The deprecated headers are still sent, signed as before.
    const ts = String(headers['x-aiphoto-timestamp']);
    const nonce = String(headers['x-aiphoto-nonce']);
    expect(headers['x-aiphoto-event']).toBe('ping');
    expect(headers['x-aiphoto-signature']).toBe(computeLegacySignature(secret, ts, nonce, body));
    expect(signLegacyMessage(secret, body, Number(ts) * 1000, nonce)['X-AiPhoto-Signature']).toBe(
      headers['x-aiphoto-signature'],
    );
    expect(computeLegacySignature(`${secret}x`, ts, nonce, body)).not.toBe(headers['x-aiphoto-signature']);
    expect(JSON.parse(body)).toMatchObject({ type: 'ping' });

    await page.click(`${row} [data-testid=webhook-log-toggle]`);
    await page.waitForSelector(`${row} [data-testid=delivery-row][data-type=ping][data-status=delivered]`);

    await page.setViewportSize({ width: 375, height: 812 });
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'mobile-developer');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.click(`${row} [data-testid=webhook-delete]`);
    await page.click(`${row} [data-testid=webhook-delete-yes]`);
    await page.waitForSelector(row, { state: 'detached' });
    expect(received).toHaveLength(1); // deleting sends nothing
  });
});

describe('admin console', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let csp: string[];

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    errors = watchErrors(context, stack.backend.url);
    csp = await watchCsp(context, stack.backend.url);
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept()); // scene deletion asks for confirmation
  });
  afterAll(() => context?.close());
  afterEach(() => {
    expect(errors).toEqual([]);
    expect(csp).toEqual([]); // the console works under its Content-Security-Policy
  });

  it('logs in and shows the dashboard with the daily chart', async () => {
    const served = await page.goto(`${stack.backend.url}/admin`);
    expectSecurityHeaders(served?.headers() ?? {}, 'page');
    const api = page.waitForResponse((r) => r.url().startsWith(`${stack.backend.url}/api/v1/`));
    await page.fill('input[name=username]', adminLogin(stack).username);
    await page.fill('input[name=password]', adminLogin(stack).password);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=daily-chart] rect', { state: 'attached' });
    expectSecurityHeaders(await (await api).allHeaders(), 'api'); // API JSON: the same headers, no CSP
    expect(await page.textContent('[data-testid=dashboard]')).toContain('¥99.00');
    await screenshot(page, 'console-dashboard');
  });

  it('finds the merchant, adjusts credits with a reason and sees the ledger row', async () => {
    await page.click('.sidebar >> text=用户');
    await page.fill('input[name=phone]', phone);
    await page.click('text=搜索');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=user-row]').length === 1);
    await page.click('[data-testid=user-row]');
    await page.waitForSelector('[data-testid=ledger] >> text=购买发放');
    expect(await page.textContent('[data-testid=user-quota]')).toBe('96');
    await page.fill('input[name=delta]', '5');
    await page.fill('input[name=reason]', 'e2e goodwill bonus');
    await page.click('text=确认调整');
    await page.click('[data-testid=adjust-confirm-yes]'); // adjustments ask first
    await page.waitForSelector('[data-testid=ledger] >> text=e2e goodwill bonus');
    expect(await page.textContent('[data-testid=user-quota]')).toBe('101');
    expect(await page.textContent('[data-testid=ledger] tbody tr >> nth=0')).toContain('+5');
    await screenshot(page, 'console-users');
  });

  it('monitors tasks and opens one with its input, results and error', async () => {
    await page.click('.sidebar >> text=任务');
    await page.selectOption('select[aria-label=类型]', 'model_pose12');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-row]').length === 1);
    await page.click('[data-testid=task-row]');
    await imagesLoaded(page, '[data-testid=admin-result]', 12);
    await screenshot(page, 'console-task-detail');
    await page.selectOption('select[aria-label=类型]', '');
    await page.selectOption('select[aria-label=状态]', 'failed');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-row]').length === 1);
    await page.click('[data-testid=task-row]');
    await page.waitForSelector('[data-testid=task-error] >> text=VENDOR_FAILED');
  });

  it('changes the plan price in settings; the portal offers the new price; reset restores it', async () => {
    const token = await merchantToken(randomPhone('136'));
    const portal = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const portalErrors = watchErrors(portal, stack.backend.url);
    const portalCsp = await watchCsp(portal, stack.backend.url);
    await portal.addInitScript((t) => window.localStorage.setItem('aiphoto.token', t), token);
    const shop = await portal.newPage();
    const buyText = async () => {
      await shop.goto(`${stack.backend.url}/`);
      await shop.waitForSelector('[data-testid=buy]:not([disabled])');
      return shop.textContent('[data-testid=buy]');
    };
    expect(await buyText()).toBe('开通会员 ¥99');

    await page.click('.sidebar >> text=设置');
    const price = '[data-testid=setting][data-key="plan.price_fen"]';
    await page.waitForSelector(`${price} >> text=会员价格`);
    expect(await page.textContent(`${price} [data-testid=setting-value]`)).toBe('¥99.00');
    await page.fill(`${price} input`, '88.5');
    await page.click(`${price} >> text=保存`);
    await page.waitForSelector(`${price} >> text=已覆盖`);
    expect(await page.textContent(`${price} [data-testid=setting-value]`)).toBe('¥88.50');
    await screenshot(page, 'console-settings');
    expect(await buyText()).toBe('开通会员 ¥88.50');
    await screenshot(shop, 'portal-price-changed');

    await page.click(`${price} >> text=恢复默认`);
    await page.waitForSelector(`${price} >> text=已覆盖`, { state: 'detached' });
    expect(await page.textContent(`${price} [data-testid=setting-value]`)).toBe('¥99.00');
    expect(await buyText()).toBe('开通会员 ¥99');
    await portal.close();
    expect(portalErrors).toEqual([]);
    expect(portalCsp).toEqual([]);
  });

  it('queries the payment channel for a pending order and shows its status', async () => {
    const token = await merchantToken(randomPhone('137'));
    // A purchase nobody pays stays pending; the sandbox channel answers "not paid" when asked.
    const { orderId } = await backendJson<{ orderId: string }>('/api/v1/membership/purchase', token, {
      channel: 'sandbox',
    });
    await page.click('.sidebar >> text=订单');
    await page.selectOption('select[aria-label=状态]', 'pending');
    const row = `[data-testid=order-row][data-order-id="${orderId}"]`;
    await page.click(`${row} [data-testid=query-channel]`);
    await page.waitForSelector(`${row} [data-testid=channel-answer] >> text=渠道：待支付`);
    expect(await page.getAttribute(row, 'data-status')).toBe('pending');
    await screenshot(page, 'console-orders-query-channel');
    await page.selectOption('select[aria-label=状态]', '');
  });

  it('lists orders and manages scenes with their prompt fragments', async () => {
    await page.click('.sidebar >> text=订单');
    await page.waitForSelector('[data-testid=orders] td >> text=已支付');
    await screenshot(page, 'console-orders');

    await page.click('.sidebar >> text=场景');
    await page.waitForSelector('[data-testid=scene-row][data-code=studio]');
    await page.click('text=新增');
    await page.fill('[data-testid=scene-form] input[name=code]', 'beach');
    await page.fill('[data-testid=scene-form] input[name=name]', '海滩');
    await page.fill('[data-testid=scene-form] textarea', 'sunny beach, soft sea breeze');
    await page.click('[data-testid=scene-form] >> text=保存');
    await page.waitForSelector('[data-testid=scene-row][data-code=beach] >> text=sunny beach');
    const catalog = (await (await fetch(`${stack.backend.url}/api/v1/scenes`)).json()) as {
      scenes: Array<{ code: string }>;
    };
    expect(catalog.scenes.map((s) => s.code)).toContain('beach');
    expect(JSON.stringify(catalog)).not.toContain('sunny beach'); // fragments stay in the console
    await screenshot(page, 'console-scenes');
    await page.click('[data-testid=scene-row][data-code=beach] >> text=删除');
    await page.waitForSelector('[data-testid=scene-row][data-code=beach]', { state: 'detached' });
  });

  it('fits a 375 px screen', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    for (const section of ['dashboard', 'users', 'tasks', 'orders', 'settings']) {
      await page.goto(`${stack.backend.url}/admin/${section}`);
      await page.waitForSelector(`[data-testid=${section}]`);
      expect({ section, overflow: await horizontalOverflow(page) }).toEqual({ section, overflow: 0 });
    }
    await screenshot(page, 'mobile-console-tasks');
  });
});

describe('console accounts and the operator role', () => {
  const username = 'ops-e2e';
  const password = 'Operator-e2e-1';
  let admin: BrowserContext;
  let adminPage: Page;
  let adminErrors: string[];
  let adminCsp: string[];
  let operator: BrowserContext;
  let opPage: Page;
  let opErrors: string[];
  let opCsp: string[];

  beforeAll(async () => {
    admin = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    adminErrors = watchErrors(admin, stack.backend.url);
    adminCsp = await watchCsp(admin, stack.backend.url);
    adminPage = await admin.newPage();
    await adminPage.goto(`${stack.backend.url}/admin/accounts`);
    await adminPage.fill('input[name=username]', adminLogin(stack).username);
    await adminPage.fill('input[name=password]', adminLogin(stack).password);
    await adminPage.click('button[type=submit]');
    await adminPage.waitForSelector('[data-testid=account-row]');
  });
  afterAll(async () => {
    await operator?.close();
    await admin?.close();
  });
  afterEach(() => {
    expect(adminErrors).toEqual([]);
    expect(adminCsp).toEqual([]);
  });

  const row = (name: string) => `[data-testid=account-row][data-username="${name}"]`;

  it('the admin creates an operator on the accounts page', async () => {
    expect(await adminPage.getAttribute(row(adminLogin(stack).username), 'data-role')).toBe('admin');
    await adminPage.click('text=新建账号');
    await adminPage.fill('[data-testid=account-form] input[name=username]', username);
    await adminPage.fill('[data-testid=account-form] input[name=password]', password);
    await adminPage.selectOption('[data-testid=account-form] select[name=role]', 'operator');
    await adminPage.click('[data-testid=account-form] >> text=创建');
    await adminPage.waitForSelector(`${row(username)}[data-role=operator][data-disabled=false]`);
    await adminPage.waitForSelector('[data-testid=account-form]', { state: 'detached' });
    await screenshot(adminPage, 'console-accounts');

    await adminPage.setViewportSize({ width: 375, height: 812 });
    await adminPage.reload();
    await adminPage.waitForSelector(row(username));
    expect(await horizontalOverflow(adminPage)).toBe(0);
    await screenshot(adminPage, 'mobile-console-accounts');
    await adminPage.setViewportSize({ width: 1366, height: 900 });
  });

  it('the operator sees only tasks and scenes, is told a forbidden section is not allowed, and monitors tasks', async () => {
    operator = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    opErrors = watchErrors(operator, stack.backend.url);
    opCsp = await watchCsp(operator, stack.backend.url);
    opPage = await operator.newPage();
    await opPage.goto(`${stack.backend.url}/admin`);
    await opPage.fill('input[name=username]', username);
    await opPage.fill('input[name=password]', password);
    await opPage.click('button[type=submit]');
    await opPage.waitForSelector('[data-testid=tasks]');
    expect(
      await opPage.$$eval('.sidebar a:not([data-testid=n8n-link])', (links) => links.map((a) => a.textContent)),
    ).toEqual(['任务', '场景']);

    for (const section of ['users', 'dashboard', 'orders', 'settings', 'accounts']) {
      await opPage.goto(`${stack.backend.url}/admin/${section}`);
      await opPage.waitForSelector('[data-testid=not-allowed]');
    }
    await screenshot(opPage, 'console-operator-not-allowed');

    await opPage.click('.sidebar >> text=任务');
    await opPage.waitForSelector('[data-testid=task-row]');
    await opPage.click('[data-testid=task-row] >> nth=0');
    await opPage.waitForSelector('[data-testid=task-detail]');
    await screenshot(opPage, 'console-operator-tasks');
    await opPage.setViewportSize({ width: 375, height: 812 });
    expect(await horizontalOverflow(opPage)).toBe(0);
    await opPage.setViewportSize({ width: 1366, height: 900 });

    // Park on the scenes page, which does not poll, so the refusals below are the only ones.
    await opPage.click('.sidebar >> text=场景');
    await opPage.waitForSelector('[data-testid=scene-row]');
    expect(opErrors).toEqual([]);
    expect(opCsp).toEqual([]);
  });

  it('the admin disables the operator; the operator is refused at the next call and page load', async () => {
    const token = await opPage.evaluate(() => window.localStorage.getItem('aiphoto.admin.token'));
    await adminPage.click(`${row(username)} [data-testid=toggle-disabled]`);
    await adminPage.waitForSelector(`${row(username)}[data-disabled=true]`);

    const call = await fetch(`${stack.backend.url}/api/v1/admin/tasks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(call.status).toBe(401);
    expect(((await call.json()) as { error: { code: string } }).error.code).toBe('ACCOUNT_DISABLED');

    await opPage.reload();
    await opPage.waitForSelector('input[name=username]'); // /admin/me answered 401: back to sign-in
    await opPage.fill('input[name=username]', username);
    await opPage.fill('input[name=password]', password);
    await opPage.click('button[type=submit]');
    await opPage.waitForSelector('[role=alert] >> text=该账号已停用');

    // Exactly the two refusals this test causes, each reported once by our watcher and once by
    // Chromium's own "Failed to load resource" line (which names no URL); nothing else.
    const refused = [
      `GET ${stack.backend.url}/api/v1/admin/me → 401`,
      `POST ${stack.backend.url}/api/v1/admin/login → 401`,
    ];
    const chromiumNote = /: Failed to load resource: the server responded with a status of 401 \(Unauthorized\)$/;
    expect(opErrors.filter((e) => !refused.includes(e) && !chromiumNote.test(e))).toEqual([]);
    expect(opErrors.filter((e) => refused.includes(e)).sort()).toEqual([...refused].sort());
    expect(opErrors.filter((e) => chromiumNote.test(e))).toHaveLength(2);
    expect(opCsp).toEqual([]);

    // Enabled again, the same password works.
    await adminPage.click(`${row(username)} [data-testid=toggle-disabled]`);
    await adminPage.waitForSelector(`${row(username)}[data-disabled=false]`);
    await opPage.click('button[type=submit]');
    await opPage.waitForSelector('[data-testid=scenes]'); // still on the page it was refused on
  });
});
