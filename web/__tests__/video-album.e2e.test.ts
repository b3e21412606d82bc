/**
 * The video album in a real browser (Debian's Chromium) against the whole system (SQLite, the
 * vendor sandbox, the pinned n8n running workflows/video_album.json with Debian's FFmpeg): on a
 * phone (375 px), in Chinese and in English, a merchant opens a finished 12-pose task, sees
 * "制作视频相册 / Make video album" with its price, picks music, confirms, lands on the new task and
 * watches the MP4 play (the <video> element has its metadata, lasts about 15 s and advances).
 * No console error or CSP violation; nothing wider than the phone. Screenshots go to
 * test-artifacts/screenshots/.
 */
import type { Browser } from 'playwright-core';
import type { Stack } from '../../scripts/stack';
import { payMembership, randomPhone, requestJson, signInMerchant, type Merchant } from '../../scripts/stack-client';
import { garment, horizontalOverflow, screenshot, watchCsp, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';
import { waitFor } from '../../jest/wait-for';

jest.setTimeout(240_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;
let merchant: Merchant;
let poseTaskId = '';

interface TaskBody {
  id: string;
  status: string;
  resultUrls: string[];
}

const me = async () =>
  (await requestJson<{ quotaRemaining: number }>(`${stack.backend.url}/api/v1/me`, { token: merchant.token }))
    .quotaRemaining;

beforeAll(async () => {
  ui = await startUiStack('video');
  ({ stack, browser } = ui);
  // Setup through the API: a paid merchant with a finished model_pose12 task.
  merchant = await signInMerchant(stack, randomPhone('137'));
  expect((await payMembership(stack, merchant.token)).notifyStatus).toBe(204);
  const photo = await garment(2);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(photo.buffer)], { type: photo.mimeType }), photo.name);
  const uploaded = await fetch(`${stack.backend.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${merchant.token}` },
    body: form,
  });
  const { key } = (await uploaded.json()) as { key: string };
  const created = await requestJson<{ tasks: TaskBody[] }>(`${stack.backend.url}/api/v1/tasks`, {
    token: merchant.token,
    body: { type: 'model_pose12', inputKey: key, params: { scene: 'studio', category: 'dress' } },
  });
  poseTaskId = created.tasks[0].id;
  const done = await waitFor(
    () => requestJson<TaskBody>(`${stack.backend.url}/api/v1/tasks/${poseTaskId}`, { token: merchant.token }),
    (t) => ['done', 'failed'].includes(t.status),
    { timeoutMs: 90_000, what: 'the 12 poses' },
  );
  expect(done.resultUrls).toHaveLength(12);
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

const TEXT = {
  zh: { open: '制作视频相册', price: '2 点', calm: '舒缓', confirm: '消耗 2 点', title: '视频相册' },
  en: { open: 'Make video album', price: '2 credits', calm: 'Calm', confirm: 'for 2 credits', title: 'Video album' },
} as const;

describe.each(['zh', 'en'] as const)('making a video album on a phone (%s)', (lang) => {
  it('shows the price, confirms, and the new task plays a 15 s video', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
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
    try {
      const before = await me();
      await page.goto(`${stack.backend.url}/tasks/${poseTaskId}`);
      const open = page.locator('[data-testid=video-album-open]');
      await open.waitFor();
      expect(await open.textContent()).toContain(TEXT[lang].open);
      expect(await open.textContent()).toContain(TEXT[lang].price);
      await open.click();
      await page.getByText(TEXT[lang].calm, { exact: true }).click();
      expect(await page.locator('[data-testid=video-album-music] input:checked').inputValue()).toBe('calm');
      expect(await page.textContent('[data-testid=video-album-cost]')).toContain(TEXT[lang].confirm);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `video-album-confirm-375-${lang}`);
      // Nothing is charged before the merchant confirms.
      expect(await me()).toBe(before);

      await page.click('[data-testid=video-album-confirm]');
      await page.waitForURL((url) => url.pathname.startsWith('/tasks/') && !url.pathname.endsWith(poseTaskId));
      const albumId = new URL(page.url()).pathname.split('/').pop() ?? '';
      expect(await me()).toBe(before - 2);
      const album = await waitFor(
        () => requestJson<TaskBody>(`${stack.backend.url}/api/v1/tasks/${albumId}`, { token: merchant.token }),
        (t) => ['done', 'failed'].includes(t.status),
        { timeoutMs: 180_000, what: `video album ${albumId}` },
      );
      expect(album.status).toBe('done');

      // The page follows the task live and shows a player once the MP4 is there.
      const video = page.locator('[data-testid=album-video]');
      await video.waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        () => {
          const v = document.querySelector('[data-testid=album-video]') as HTMLVideoElement | null;
          return !!v && v.readyState >= 1 && Number.isFinite(v.duration);
        },
        undefined,
        { timeout: 30_000 },
      );
      const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
      expect(duration).toBeGreaterThan(14.5);
      expect(duration).toBeLessThan(15.5);
      expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([1080, 1440]);
      // It really plays: muted (autoplay rules), the clock moves past the first crossfade.
      await video.evaluate((v: HTMLVideoElement) => {
        v.muted = true;
        return v.play();
      });
      await page.waitForFunction(
        () => (document.querySelector('[data-testid=album-video]') as HTMLVideoElement).currentTime > 1.5,
        undefined,
        { timeout: 30_000 },
      );
      expect(await page.textContent('[data-testid=task-page] h1')).toBe(TEXT[lang].title);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `video-album-playing-375-${lang}`);
      // A video result offers no album of its own.
      expect(await page.locator('[data-testid=video-album-open]').count()).toBe(0);
      expect(csp).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
