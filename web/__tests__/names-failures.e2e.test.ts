/**
 * Issue 15 items 1 and 6 in a real browser (Debian's Chromium) against the whole system (SQLite,
 * the vendor sandbox, the pinned n8n running the repo's workflows, the content audit on):
 *
 * - Downloads keep names: a white-background image made from `白T恤.jpg` downloads as
 *   `白T恤_main.jpg` from its result card, its task page and (as `白T恤.zip` holding
 *   `白T恤_main.jpg`) as a ZIP; the 12 poses of `summer dress.jpg` as `summer dress_pose01.png` …
 *   and `summer dress.zip`; the batch ZIP lists every task under its upload's name. Names are read
 *   from the browser's download event and the archives are unpacked and listed.
 * - Honest failures: a photo the image service cannot use (sandbox CI scripted to fail) says
 *   "这张照片无法处理 / This photo could not be used", one the service broke on (the audit scripted
 *   to error) "服务暂时出错 / Our service had a problem", both with the refund, the failed photo's
 *   thumbnail and original name, and no vendor name or storage path anywhere on the page; after a
 *   retry that worked (clicked in the portal), the failure offers no Retry but a link to the result.
 *
 * Every check runs in Chinese and in English, at 1280×860 and at 375×812 (no horizontal scroll),
 * with no console error or CSP violation. Screenshots go to test-artifacts/screenshots/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import type { Stack } from '../../scripts/stack';
import { payMembership, randomPhone, requestJson, signInMerchant, type Merchant } from '../../scripts/stack-client';
import { readZip } from '../../backend/src/modules/media/__tests__/zip-reader';
import { garment, horizontalOverflow, imagesLoaded, screenshot, watchCsp, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';
import { waitFor } from '../../jest/wait-for';

jest.setTimeout(240_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;
let merchant: Merchant;
let downloads: string;

interface TaskBody {
  id: string;
  batchId: string;
  status: string;
  errorCode: string | null;
  failureKind: string | null;
  resultUrls: string[];
  retry: { id: string; status: string } | null;
}

const ids = { clean: '', poses: '', photoFailed: '', serviceFailed: '', batch: '' };
const POSES = Array.from({ length: 12 }, (_, i) => `summer dress_pose${String(i + 1).padStart(2, '0')}.png`);

const sandbox = (p: string, body: unknown) =>
  fetch(`${stack.sandbox.url}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const api = <T>(p: string, body?: unknown) =>
  requestJson<T>(`${stack.backend.url}${p}`, { token: merchant.token, body });

/** Uploads garment `seed` under `name` (multipart, as the portal sends it) and answers its key. */
async function upload(seed: number, name: string): Promise<string> {
  const photo = await garment(seed);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(photo.buffer)], { type: photo.mimeType }), name);
  const res = await fetch(`${stack.backend.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${merchant.token}` },
    body: form,
  });
  const body = (await res.json()) as { key: string; name: string };
  expect(body.name).toBe(name);
  return body.key;
}

const finished = (id: string, what: string) =>
  waitFor(
    () => api<TaskBody>(`/api/v1/tasks/${id}`),
    (t) => ['done', 'failed'].includes(t.status),
    { timeoutMs: 90_000, what },
  );

beforeAll(async () => {
  ui = await startUiStack('names', { AUDIT_ENABLED: 'true' });
  ({ stack, browser } = ui);
  downloads = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-names-dl-'));
  merchant = await signInMerchant(stack, randomPhone('136'));
  expect((await payMembership(stack, merchant.token)).notifyStatus).toBe(204);

  // One batch of two white-background images, one of them named in Chinese.
  const batch = await api<{ batchId: string; tasks: TaskBody[] }>('/api/v1/tasks', {
    type: 'basic_clean',
    inputKeys: [await upload(10, '白T恤.jpg'), await upload(11, 'jeans.png')],
  });
  ids.batch = batch.batchId;
  ids.clean = batch.tasks[0].id;
  for (const t of batch.tasks) expect((await finished(t.id, 'a clean image')).status).toBe('done');

  const poses = await api<{ tasks: TaskBody[] }>('/api/v1/tasks', {
    type: 'model_pose12',
    inputKey: await upload(12, 'summer dress.jpg'),
    params: { scene: 'studio', category: 'dress' },
  });
  ids.poses = poses.tasks[0].id;
  expect((await finished(ids.poses, 'the 12 poses')).resultUrls).toHaveLength(12);

  // The photo's fault: the image service cannot process it (one scripted CI failure).
  await sandbox('/sandbox/ci/script', { outcome: 'fail', times: 1 });
  const photo = await api<{ tasks: TaskBody[] }>('/api/v1/tasks', {
    type: 'basic_clean',
    inputKey: await upload(13, 'blurry shot.jpg'),
  });
  ids.photoFailed = photo.tasks[0].id;
  expect(await finished(ids.photoFailed, 'the photo failure')).toMatchObject({
    status: 'failed',
    errorCode: 'VENDOR_FAILED',
    failureKind: 'photo',
  });

  // The service's fault: the content audit itself errors (one scripted audit failure).
  await sandbox('/sandbox/ci/audit/script', { outcome: 'error', times: 1 });
  const service = await api<{ tasks: TaskBody[] }>('/api/v1/tasks', {
    type: 'basic_clean',
    inputKey: await upload(14, '外套.jpg'),
  });
  ids.serviceFailed = service.tasks[0].id;
  expect(await finished(ids.serviceFailed, 'the service failure')).toMatchObject({
    status: 'failed',
    errorCode: 'GENERATION_FAILED',
    failureKind: 'service',
  });
}, 15 * 60_000);

afterAll(async () => {
  await ui?.close();
  if (downloads) rmSync(downloads, { recursive: true, force: true });
}, 60_000);

const TEXT = {
  zh: {
    photo: '这张照片无法处理：',
    photoNext: '点数已退回，请换一张照片再试',
    service: '服务暂时出错：',
    serviceNext: '点数已退回，可重试',
    retried: '重试已成功，查看结果',
    download: '下载',
  },
  en: {
    photo: 'This photo could not be used: ',
    photoNext: 'Your credit was refunded. Try another photo',
    service: 'Our service had a problem: ',
    serviceNext: 'Your credit was refunded. You can retry',
    retried: 'The retry worked: see the result',
    download: 'Download',
  },
} as const;

// Vendor names, storage paths and internal failure codes.
const VENDOR_WORDS = /tencent|腾讯|数据万象|runninghub|\bcos\b|\bci\b|n8n|output\/|input\/|bucket|_FAILED\b/i;

/** Clicks and answers the download it starts. */
async function download(page: Page, selector: string): Promise<Download> {
  const [started] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return started;
}

/** The entry names of a downloaded ZIP, unpacked from what the browser saved. */
async function zipNames(file: Download): Promise<string[]> {
  const target = path.join(downloads, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(target);
  return readZip(readFileSync(target))
    .map((e) => e.name)
    .sort();
}

async function openPage(lang: 'zh' | 'en', width: number, height: number) {
  const mobile = width < 600;
  const context = await browser.newContext({
    viewport: { width, height },
    acceptDownloads: true,
    ...(mobile ? { isMobile: true, hasTouch: true } : {}),
  });
  await context.addInitScript(
    ([token, l]) => {
      window.localStorage.setItem('aiphoto.token', token);
      window.localStorage.setItem('aiphoto.lang', l);
    },
    [merchant.token, lang] as const,
  );
  const errors = watchErrors(context, stack.backend.url);
  const csp = await watchCsp(context, stack.backend.url);
  const page = await context.newPage();
  return { context, page, errors, csp };
}

describe('a retry from the failure page', () => {
  it('links the retry, and the failure stops offering Retry once it worked (zh, desktop)', async () => {
    const { context, page, errors, csp } = await openPage('zh', 1280, 860);
    try {
      await page.goto(`${stack.backend.url}/tasks/${ids.serviceFailed}`);
      await page.waitForSelector('[data-testid=failure][data-kind=service]');
      await page.click('[data-testid=task-page] [data-testid=retry]');
      await page.waitForURL((url) => url.pathname.startsWith('/tasks/') && !url.pathname.endsWith(ids.serviceFailed));
      await page.waitForSelector('[data-testid=task-page][data-status=done]', { timeout: 60_000 });
      const failed = await api<TaskBody>(`/api/v1/tasks/${ids.serviceFailed}`);
      expect(failed.retry).toEqual({ id: new URL(page.url()).pathname.split('/').pop(), status: 'done' });
      expect(csp).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe.each([
  ['zh', 1280, 860],
  ['zh', 375, 812],
  ['en', 1280, 860],
  ['en', 375, 812],
] as const)('names and failures (%s, %i px)', (lang, width, height) => {
  const tag = `${width === 375 ? 'mobile' : 'desktop'}-${lang}`;

  it('downloads every result under its upload’s name: card, task page, task ZIP, batch ZIP', async () => {
    const { context, page, errors, csp } = await openPage(lang, width, height);
    try {
      // The task page of the Chinese-named upload: the button under the before/after pair.
      await page.goto(`${stack.backend.url}/tasks/${ids.clean}`);
      await page.waitForSelector('[data-testid=before-after]');
      await imagesLoaded(page, '[data-testid=before-after] img', 2);
      expect(await page.textContent('[data-testid=result-name]')).toBe('白T恤_main.jpg');
      expect(await page.textContent('[data-testid=result-download]')).toBe(TEXT[lang].download);
      expect((await download(page, '[data-testid=result-download]')).suggestedFilename()).toBe('白T恤_main.jpg');
      const taskZip = await download(page, '[data-testid=task-zip]');
      expect(taskZip.suggestedFilename()).toBe('白T恤.zip');
      expect(await zipNames(taskZip)).toEqual(['白T恤_main.jpg']);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `names-task-clean-${tag}`);

      // The 12 poses: each tile's own button, and the ZIP.
      await page.goto(`${stack.backend.url}/tasks/${ids.poses}`);
      await imagesLoaded(page, '[data-testid=result-image]', 12);
      expect((await download(page, '[data-testid=result-download] >> nth=0')).suggestedFilename()).toBe(POSES[0]);
      expect((await download(page, '[data-testid=result-download] >> nth=11')).suggestedFilename()).toBe(POSES[11]);
      const posesZip = await download(page, '[data-testid=task-zip]');
      expect(posesZip.suggestedFilename()).toBe('summer dress.zip');
      expect(await zipNames(posesZip)).toEqual(POSES);
      // The lightbox's button saves under the same name.
      await page.click('[data-testid=result-image] >> nth=2');
      await page.waitForSelector('[data-testid=lightbox]');
      expect((await download(page, `[data-testid=lightbox] >> text=${TEXT[lang].download}`)).suggestedFilename()).toBe(
        POSES[2],
      );
      await page.keyboard.press('Escape');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `names-task-poses-${tag}`);

      // Every result card in the history has its own download button.
      await page.goto(`${stack.backend.url}/tasks`);
      const card = (id: string) => `[data-testid=task-card][data-task-id="${id}"]`;
      await page.waitForSelector(`${card(ids.clean)} [data-testid=card-download]`);
      expect((await download(page, `${card(ids.clean)} [data-testid=card-download]`)).suggestedFilename()).toBe(
        '白T恤_main.jpg',
      );
      const cardZip = await download(page, `${card(ids.poses)} [data-testid=card-download]`);
      expect(cardZip.suggestedFilename()).toBe('summer dress.zip');
      expect(await zipNames(cardZip)).toEqual(POSES);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `names-history-${tag}`);

      // The batch ZIP (as the workspace's button fetches it): every task under its upload's name.
      const batchZip = await page.evaluate(
        async ([url, token]) => {
          const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          return {
            disposition: res.headers.get('content-disposition'),
            bytes: Array.from(new Uint8Array(await res.arrayBuffer())),
          };
        },
        [`${stack.backend.url}/api/v1/batches/${ids.batch}/download`, merchant.token] as const,
      );
      expect(batchZip.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('白T恤_+1.zip')}`);
      expect(
        readZip(Buffer.from(batchZip.bytes))
          .map((e) => e.name)
          .sort(),
      ).toEqual(['jeans_main.jpg', '白T恤_main.jpg']);
      expect(csp).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says whether the photo or the service failed, shows the photo, and hides Retry once retried', async () => {
    const { context, page, errors, csp } = await openPage(lang, width, height);
    try {
      const text = TEXT[lang];
      // The photo's fault, on the task page.
      await page.goto(`${stack.backend.url}/tasks/${ids.photoFailed}`);
      const photo = '[data-testid=task-page] [data-testid=failure]';
      await page.waitForSelector(`${photo}[data-kind=photo]`);
      await imagesLoaded(page, `${photo} [data-testid=failure-photo] img`, 1);
      expect(await page.textContent(`${photo} [data-testid=failure-text]`)).toMatch(new RegExp(`^${text.photo}`));
      expect(await page.textContent(`${photo} [data-testid=failure-next]`)).toBe(text.photoNext);
      expect(await page.textContent(`${photo} [data-testid=failure-name]`)).toBe('blurry shot.jpg');
      expect(await page.locator('[data-testid=task-page] [data-testid=retry]').count()).toBe(1);
      expect(await page.textContent('body')).not.toMatch(VENDOR_WORDS);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `failure-photo-${tag}`);

      // The service's fault, retried successfully in the first test: a link instead of Retry.
      await page.goto(`${stack.backend.url}/tasks/${ids.serviceFailed}`);
      const service = '[data-testid=task-page] [data-testid=failure]';
      await page.waitForSelector(`${service}[data-kind=service]`);
      await imagesLoaded(page, `${service} [data-testid=failure-photo] img`, 1);
      expect(await page.textContent(`${service} [data-testid=failure-text]`)).toMatch(new RegExp(`^${text.service}`));
      expect(await page.textContent(`${service} [data-testid=failure-next]`)).toBe(text.serviceNext);
      expect(await page.textContent(`${service} [data-testid=failure-name]`)).toBe('外套.jpg');
      expect(await page.textContent(`${service} [data-testid=retried]`)).toBe(text.retried);
      expect(await page.locator('[data-testid=task-page] [data-testid=retry]').count()).toBe(0);
      expect(await page.textContent('body')).not.toMatch(VENDOR_WORDS);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `failure-service-retried-${tag}`);

      // The history shows both failures the same way on their cards.
      await page.goto(`${stack.backend.url}/tasks`);
      const card = (id: string) => `[data-testid=task-card][data-task-id="${id}"]`;
      await page.waitForSelector(`${card(ids.photoFailed)} [data-testid=failure][data-kind=photo]`);
      await page.waitForSelector(`${card(ids.serviceFailed)} [data-testid=failure][data-kind=service]`);
      expect(await page.locator(`${card(ids.photoFailed)} [data-testid=retry]`).count()).toBe(1);
      expect(await page.locator(`${card(ids.serviceFailed)} [data-testid=retry]`).count()).toBe(0);
      // A card's own picture is the failed photo (no result replaces it) and its caption the name.
      expect(await page.textContent(`${card(ids.photoFailed)} [data-testid=input-name]`)).toBe('blurry shot.jpg');
      expect(await page.getAttribute(`${card(ids.photoFailed)} .thumb img`, 'src')).toMatch(/\/input\//);
      expect(await page.textContent('body')).not.toMatch(VENDOR_WORDS);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `failure-history-${tag}`);

      // Following the link lands on the retry's result.
      await page.goto(`${stack.backend.url}/tasks/${ids.serviceFailed}`);
      await page.click('[data-testid=task-page] [data-testid=retried]');
      await page.waitForSelector('[data-testid=task-page][data-status=done]');
      expect(csp).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
