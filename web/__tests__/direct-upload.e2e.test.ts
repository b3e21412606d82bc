/**
 * Direct uploads in a real browser (UPLOAD_MODE=direct, as with live COS): the portal asks for STS
 * credentials, loads Tencent's browser SDK on demand, PUTs the photo straight into the sandbox's
 * COS with progress, confirms the key with the backend and runs basic_clean on it. A second
 * merchant whose STS request answers 503 sees the note and uploads through the server instead.
 * One stack of its own (SQLite, sandbox, n8n); no console errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { buildArtifacts, startStack, type Stack } from '../../scripts/stack';
import { garment, imagesLoaded, launch, screenshot, watchErrors } from './support/browser';

jest.setTimeout(120_000);

let stack: Stack;
let dataDir: string;
let browser: Browser;

async function json<T>(url: string, init: { token?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(url, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** A merchant with a paid membership, set up through the API and the sandbox (not what this file tests). */
async function member(): Promise<string> {
  const phone = `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const api = stack.backend.url;
  await json(`${api}/api/v1/auth/send-code`, { body: { phone } });
  const outbox = await json<{ items: Array<{ code: string }> }>(`${stack.sandbox.url}/sandbox/sms/outbox?phone=${phone}`);
  const { token } = await json<{ token: string }>(`${api}/api/v1/auth/login`, { body: { phone, code: outbox.items[0].code } });
  const purchase = await json<{ payParams: { outTradeNo: string } }>(`${api}/api/v1/membership/purchase`, { token, body: { channel: 'sandbox' } });
  await json(`${stack.sandbox.url}/sandbox/pay/${purchase.payParams.outTradeNo}`, { body: { result: 'success' } });
  return token;
}

const cosCalls = async () => (await json<{ calls: Record<string, number> }>(`${stack.sandbox.url}/sandbox/calls`)).calls;

/** A signed-in portal page, with every request it sends recorded as "METHOD url". */
async function portal(token: string): Promise<{ context: BrowserContext; page: Page; errors: string[]; sent: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((t) => window.localStorage.setItem('aiphoto.token', t), token);
  const errors = watchErrors(context, stack.backend.url);
  const page = await context.newPage();
  const sent: string[] = [];
  page.on('request', (r: Request) => void sent.push(`${r.method()} ${r.url()}`));
  await page.goto(`${stack.backend.url}/`);
  await page.waitForSelector('[data-testid=membership][data-state=active]');
  return { context, page, errors, sent };
}

beforeAll(async () => {
  buildArtifacts(() => undefined, { onlyMissing: true });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-direct-'));
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  stack = await startStack({
    env: { ...env, NODE_ENV: 'test', LOG_LEVEL: 'warn', UPLOAD_MODE: 'direct', OUTBOX_POLL_INTERVAL_MS: '200', TASK_WATCHDOG_INTERVAL_MS: '500' },
    dataDir,
    ports: { backend: 0, n8n: 0, sandbox: 0 },
    sandboxTiming: { queueMs: 0, runMs: 300 },
  });
  browser = await launch();
}, 15 * 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

it('uploads straight to COS with progress, confirms the key and cleans it', async () => {
  const { context, page, errors, sent } = await portal(await member());
  const before = await cosCalls();

  await page.setInputFiles('[data-testid=file-input]', [await garment(4), await garment(5)]);
  await page.waitForFunction(() => document.querySelectorAll('.upload[data-state=done]').length === 2, undefined, { timeout: 20_000 });

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
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-card][data-status=done]').length === 2, undefined, { timeout: 30_000 });
  await imagesLoaded(page, '[data-testid=task-card] img', 2);
  expect(errors).toEqual([]);
  await context.close();
});

it('falls back to the server upload, with a note, when STS answers 503', async () => {
  const { context, page, errors, sent } = await portal(await member());
  await page.route('**/api/v1/uploads/sts', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'STS_UNAVAILABLE', message: 'try later' } }) }),
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
