/**
 * Direct uploads in a real browser (UPLOAD_MODE=direct, as with live COS): the portal asks for STS
 * credentials, loads Tencent's browser SDK on demand, PUTs the photo straight into the sandbox's
 * COS with progress, confirms the key with the backend and runs basic_clean on it. A second
 * merchant whose STS request answers 503 sees the note and uploads through the server instead.
 * One stack of its own (SQLite, sandbox, n8n); no console errors.
 */
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import type { Stack } from '../../scripts/stack';
import { requestJson, signUpMember } from '../../scripts/stack-client';
import { garment, imagesLoaded, screenshot, watchCsp, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(120_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;

/** A merchant with a paid membership, set up through the API and the sandbox (not what this file tests). */
const member = async (): Promise<string> => (await signUpMember(stack)).token;

const cosCalls = async () =>
  (await requestJson<{ calls: Record<string, number> }>(`${stack.sandbox.url}/sandbox/calls`)).calls;

/** A signed-in portal page, with every request it sends recorded as "METHOD url". */
async function portal(
  token: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[]; sent: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((t) => window.localStorage.setItem('aiphoto.token', t), token);
  const errors = watchErrors(context, stack.backend.url);
  // CSP violations (the SDK chunk, the PUT to storage) would be console errors too: `errors` covers them.
  await watchCsp(context, stack.backend.url);
  const page = await context.newPage();
  const sent: string[] = [];
  page.on('request', (r: Request) => void sent.push(`${r.method()} ${r.url()}`));
  await page.goto(`${stack.backend.url}/`);
  await page.waitForSelector('[data-testid=membership][data-state=active]');
  return { context, page, errors, sent };
}

beforeAll(async () => {
  ui = await startUiStack('direct', { UPLOAD_MODE: 'direct' });
  ({ stack, browser } = ui);
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

it('uploads straight to COS with progress, confirms the key and cleans it', async () => {
  const token = await member();
  const { context, page, errors, sent } = await portal(token);
  const before = await cosCalls();

  await page.setInputFiles('[data-testid=file-input]', [await garment(4), await garment(5)]);
  await page.waitForFunction(() => document.querySelectorAll('.upload[data-state=done]').length === 2, undefined, {
    timeout: 20_000,
  });

  const after = await cosCalls();
  expect((after['cos:PutObject'] ?? 0) - (before['cos:PutObject'] ?? 0)).toBe(2);
  const sandboxOrigin = new URL(stack.sandbox.url).origin;
  const puts = sent.filter((s) => s.startsWith(`PUT ${sandboxOrigin}/input/`));
  expect(puts).toHaveLength(2); // from the browser, not the backend
  expect(puts[0]).toMatch(/\/input\/[0-9a-f-]+\/[0-9a-f]{64}\.jpg$/);
  const api = (suffix: string) => sent.filter((s) => s.endsWith(`${stack.backend.url}/api/v1/uploads${suffix}`));
  expect(api('/sts')).toHaveLength(1); // one set of credentials for both files
  expect(api('/confirm')).toHaveLength(2);
  expect(sent.filter((s) => s === `POST ${stack.backend.url}/api/v1/uploads`)).toEqual([]);
  expect(sent.some((s) => /\/assets\/cos-js-sdk-v5-[\w-]+\.js$/.test(s))).toBe(true); // loaded on demand
  expect(after['cos:POST'] ?? 0).toBe(before['cos:POST'] ?? 0); // simple uploads only: no multipart initiation
  expect(api('/config')).toHaveLength(1);
  await screenshot(page, 'portal-direct-upload');

  await page.click('[data-testid=submit]');
  await page.click('[data-testid=confirm]');
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=task-card][data-status=done]').length === 2,
    undefined,
    { timeout: 30_000 },
  );
  await imagesLoaded(page, '[data-testid=task-card] img', 2);
  // Each confirm carried its file's name: the tasks and their downloads are named after it.
  const tasks = await requestJson<{ items: Array<{ inputName: string | null; resultNames: string[] }> }>(
    `${stack.backend.url}/api/v1/tasks`,
    { token },
  );
  expect(tasks.items.map((t) => [t.inputName, t.resultNames]).sort()).toEqual([
    ['garment-4.jpg', ['garment-4_main.jpg']],
    ['garment-5.jpg', ['garment-5_main.jpg']],
  ]);
  expect(errors).toEqual([]);
  await context.close();
});

it('falls back to the server upload, with a note, when STS answers 503', async () => {
  const { context, page, errors, sent } = await portal(await member());
  await page.route('**/api/v1/uploads/sts', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'STS_UNAVAILABLE', message: 'try later' } }),
    }),
  );
  await page.setInputFiles('[data-testid=file-input]', [await garment(6)]);
  await page.waitForSelector('.upload[data-state=done]');
  await page.waitForSelector('[data-testid=upload-fallback] >> text=已改为经服务器上传');
  expect(sent.filter((s) => s === `POST ${stack.backend.url}/api/v1/uploads`)).toHaveLength(1);
  expect(sent.filter((s) => s.includes('/api/v1/uploads/confirm'))).toEqual([]);
  await screenshot(page, 'portal-direct-upload-fallback');
  // The stubbed 503 (and the browser's console line about it) is the only error on the page.
  expect(errors.filter((e) => !e.includes('503'))).toEqual([]);
  expect(errors.length).toBeGreaterThan(0);
  await context.close();
});
