/**
 * Issue 15 items 5 and 8 in a real browser, in Chinese and English, on a 375 px phone and a
 * 1280×860 desktop. Uploads: the drop zone states the server's limits (this stack runs with
 * 2 MB and 4 megapixels, so the numbers come from the server, not the portal), and a file of the
 * wrong type, too large, of too many pixels or that does not decode is refused with a localized
 * reason before any upload request; a small photo is sent with a warning. The desktop workspace
 * shows the results column beside the uploader; on the phone the progress is scrolled into view
 * after submitting. Compare: the before/after slider follows a drag, a tap and the arrow keys,
 * zoom scales both images alike and pans when zoomed, and the full-size view goes between the
 * original and the result with the arrow keys, keeps the focus inside and gives it back on Escape.
 * One stack of its own (SQLite, sandbox, n8n); no console errors, no CSP reports.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import type { Stack } from '../../scripts/stack';
import { signUpMember } from '../../scripts/stack-client';
import { garment, horizontalOverflow, imagesLoaded, screenshot, watchCsp, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(120_000);

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_PIXELS = 4_000_000;

let ui: UiStack;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  ui = await startUiStack('compare-uploads', {
    UPLOAD_MAX_BYTES: String(MAX_BYTES),
    UPLOAD_MAX_PIXELS: String(MAX_PIXELS),
  });
  ({ stack, browser } = ui);
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

type Lang = 'zh' | 'en';
type FilePayload = { name: string; mimeType: string; buffer: Buffer };

const TEXT = {
  zh: {
    limits: '支持 JPG / PNG / WebP，单张不超过 2 MB、4 百万像素；短边建议不少于 500 像素',
    format: 'notes.gif 不是 JPG / PNG / WebP 图片，未上传',
    tooBig: 'huge.jpg 超过 2 MB，未上传',
    tooManyPixels: 'wide.png 超过 4 百万像素，未上传',
    unreadable: 'broken.png 无法读取（文件可能已损坏），未上传',
    small: '仅 320×400 像素，短边小于 500 像素，生成效果可能模糊',
    before: '原图',
    after: '效果',
    full: '查看大图',
  },
  en: {
    limits: 'JPG / PNG / WebP, up to 2 MB and 4 megapixels each; at least 500 px on the short side is best',
    format: 'notes.gif is not a JPG / PNG / WebP image and was not uploaded',
    tooBig: 'huge.jpg is larger than 2 MB and was not uploaded',
    tooManyPixels: 'wide.png has more than 4 megapixels and was not uploaded',
    unreadable: 'broken.png cannot be read (the file may be damaged) and was not uploaded',
    small: 'Only 320×400 px: under 500 px on the short side, the result may look soft',
    before: 'Before',
    after: 'After',
    full: 'View full size',
  },
} as const;

/** The files a merchant should not be able to send, and a small one that is sent with a warning. */
async function badFiles(): Promise<{ refused: FilePayload[]; small: FilePayload }> {
  const png = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 200, g: 200, b: 200 } } })
      .png()
      .toBuffer();
  return {
    refused: [
      { name: 'notes.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') },
      // Only its length matters: refused before anything reads it.
      { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(MAX_BYTES + 1, 0xff) },
      // 2500 × 2000 = 5 MP, a few KB of PNG: only the decoded size shows it.
      { name: 'wide.png', mimeType: 'image/png', buffer: await png(2500, 2000) },
      { name: 'broken.png', mimeType: 'image/png', buffer: (await png(600, 600)).subarray(0, 40) },
    ],
    small: { name: 'small.png', mimeType: 'image/png', buffer: await png(320, 400) },
  };
}

interface Portal {
  context: BrowserContext;
  page: Page;
  errors: string[];
  csp: string[];
  /** "METHOD path" of every request to the backend's upload API and to storage. */
  uploads: string[];
}

async function portal(token: string, lang: Lang, mobile: boolean): Promise<Portal> {
  const context = await browser.newContext(
    mobile
      ? { viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true }
      : { viewport: { width: 1280, height: 860 } },
  );
  await context.addInitScript(
    ([t, l]) => {
      window.localStorage.setItem('aiphoto.token', t);
      window.localStorage.setItem('aiphoto.lang', l);
    },
    [token, lang] as const,
  );
  const errors = watchErrors(context, stack.backend.url);
  const csp = await watchCsp(context, stack.backend.url);
  const page = await context.newPage();
  const uploads: string[] = [];
  const sandboxOrigin = new URL(stack.sandbox.url).origin;
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/v1/uploads') && url.pathname !== '/api/v1/uploads/config') {
      uploads.push(`${r.method()} ${url.pathname}`);
    }
    if (url.origin === sandboxOrigin && url.pathname.startsWith('/input/'))
      uploads.push(`${r.method()} ${url.pathname}`);
  });
  await page.goto(`${stack.backend.url}/`);
  await page.waitForSelector('[data-testid=membership][data-state=active]');
  await page.waitForSelector('[data-testid=type-card]');
  return { context, page, errors, csp, uploads };
}

const box = async (page: Page, selector: string) => {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not visible`);
  return b;
};

/**
 * Zooms further by the gesture of the screen: on a phone two fingers spread from 40 px to 80 px
 * either side of the frame's centre (a pinch, as Chromium receives it from a touch screen), on a
 * desktop one Ctrl + wheel notch over it (what a trackpad pinch sends).
 */
async function zoomGesture(
  page: Page,
  context: BrowserContext,
  mobile: boolean,
  frame: { x: number; y: number; width: number; height: number },
): Promise<void> {
  const cx = frame.x + frame.width / 2;
  const cy = frame.y + frame.height / 2;
  if (!mobile) {
    await page.mouse.move(cx, cy);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    return;
  }
  const cdp = await context.newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', d: number) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints:
        type === 'touchEnd'
          ? []
          : [
              { x: cx - d, y: cy, id: 1 },
              { x: cx + d, y: cy, id: 2 },
            ],
    });
  await touch('touchStart', 40);
  for (const d of [50, 60, 70, 80]) await touch('touchMove', d);
  await touch('touchEnd', 0);
  await cdp.detach();
}

describe.each([
  ['zh', true],
  ['en', false],
  ['en', true],
  ['zh', false],
] as const)('portal in %s (mobile: %s)', (lang, mobile) => {
  const tag = `${lang}-${mobile ? '375' : '1280'}`;
  const text = TEXT[lang];
  let p: Portal;
  let taskId: string;

  beforeAll(async () => {
    p = await portal((await signUpMember(stack)).token, lang, mobile);
  });
  afterAll(() => p?.context.close());
  afterEach(() => {
    expect(p.errors).toEqual([]);
    expect(p.csp).toEqual([]);
  });

  it('states the limits and refuses wrong, too big, too large and broken files before sending them', async () => {
    const { page, uploads } = p;
    await page.waitForSelector(`[data-testid=upload-limits] >> text=${text.limits}`);
    const { refused, small } = await badFiles();
    await page.setInputFiles('[data-testid=file-input]', refused);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=upload-refused]').length === 4);
    const notices = await page.$$eval('[data-testid=upload-refused]', (els) => els.map((e) => e.textContent));
    expect(notices).toEqual([text.format, text.tooBig, text.tooManyPixels, text.unreadable]);
    expect(await page.$$('[data-testid=uploads] .upload')).toHaveLength(0);
    expect(uploads).toEqual([]); // nothing was sent
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, `compare-uploads-${tag}-refused`);

    // A small photo is sent, with a warning that says its size.
    await page.setInputFiles('[data-testid=file-input]', [small]);
    await page.waitForSelector('.upload[data-state=done]');
    expect(await page.textContent('[data-testid=upload-small]')).toBe(text.small);
    expect(await page.$$('[data-testid=upload-refused]')).toHaveLength(0);
    expect(uploads).toEqual(['POST /api/v1/uploads']);
    await screenshot(page, `compare-uploads-${tag}-small`);
    await page.click('.upload button.icon'); // removed again: the batch below is one garment
    await page.waitForSelector('[data-testid=uploads]', { state: 'detached' });
  });

  it(
    mobile
      ? 'scrolls the progress into view after submitting'
      : 'shows the results column beside the uploader, the batch in it',
    async () => {
      const { page } = p;
      if (!mobile) {
        // Before anything is made the right column says where results will appear.
        await page.waitForSelector('[data-testid=results-pane]');
        await page.evaluate(() => window.scrollTo(0, 0));
        const left = await box(page, '[data-testid=workspace-create]');
        const right = await box(page, '[data-testid=workspace-results]');
        expect(left.x + left.width).toBeLessThanOrEqual(right.x);
        expect(Math.abs(left.y - right.y)).toBeLessThanOrEqual(1); // side by side, not stacked
        const pane = await box(page, '[data-testid=results-pane]');
        expect(pane.x).toBe(right.x);
        expect(pane.width).toBeGreaterThan(400);
      }
      await page.setInputFiles('[data-testid=file-input]', [await garment(lang === 'zh' ? 1 : 2)]);
      await page.waitForSelector('.upload[data-state=done]');
      await page.click('[data-testid=submit]');
      if (mobile) {
        // The merchant has scrolled back up to the top (the type, the photos) and confirms from
        // there: the new batch is far below, under the form.
        await page.evaluate(() => window.scrollTo(0, 0));
        expect(
          await page.evaluate(
            () => document.querySelector('[data-testid=workspace-results]')!.getBoundingClientRect().top,
          ),
        ).toBeGreaterThan(812);
        await page.$eval('[data-testid=confirm]', (b) => (b as HTMLButtonElement).click());
        await page.waitForSelector('[data-testid=batch]', { state: 'attached' });
        // The page scrolls down to it: its progress in sight, below the top bar.
        await page.waitForFunction(() => {
          const bar = document.querySelector('.topbar')!.getBoundingClientRect().bottom;
          const top = document.querySelector('[data-testid=batch]')!.getBoundingClientRect().top;
          return window.scrollY > 0 && top >= bar - 1 && top <= window.innerHeight - 150;
        });
        expect(await page.isVisible('[data-testid=batch] [data-testid=task-card]')).toBe(true);
      } else {
        await page.click('[data-testid=confirm]');
        await page.waitForSelector('[data-testid=batch]');
        // Beside the form and in sight, wherever the page was scrolled to confirm.
        const left = await box(page, '[data-testid=create]');
        const batch = await box(page, '[data-testid=batch]');
        expect(left.x + left.width).toBeLessThanOrEqual(batch.x);
        const inView = await page.evaluate(() => {
          const top = document.querySelector('[data-testid=batch]')!.getBoundingClientRect().top;
          return top >= 0 && top <= window.innerHeight - 150;
        });
        expect(inView).toBe(true);
      }
      await page.waitForSelector('[data-testid=batch] [data-testid=task-card][data-status=done]', { timeout: 60_000 });
      taskId = (await page.getAttribute('[data-testid=batch] [data-testid=task-card]', 'data-task-id'))!;
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `compare-uploads-${tag}-workspace`);
    },
  );
  it('compares the original and the result with the divider: drag, tap and arrow keys', async () => {
    const { page } = p;
    await page.click(`[data-task-id="${taskId}"] .thumb`);
    await page.waitForSelector('[data-testid=task-page][data-status=done]');
    await imagesLoaded(page, '[data-testid=before-after] img', 2);
    const slider = '[data-testid=compare-slider]';
    const split = async () => Number(await page.getAttribute(slider, 'aria-valuenow'));
    expect(await split()).toBe(50);
    expect(await page.getAttribute(slider, 'role')).toBe('slider');

    // White on white stays visible: a checkerboard behind the pictures and a border around them.
    const frame = await page.$eval('[data-testid=compare-stage]', (el) => {
      const style = getComputedStyle(el);
      return { background: style.backgroundImage, border: style.borderTopWidth, shadow: style.boxShadow };
    });
    expect(frame.background).toContain('linear-gradient');
    expect(frame.border).toBe('1px');
    expect(frame.shadow).not.toBe('none');

    const stage = await box(page, '[data-testid=compare-stage]');
    const handle = await box(page, slider);
    expect(Math.abs(handle.x + handle.width / 2 - (stage.x + stage.width / 2))).toBeLessThan(2);
    // Dragging the divider to a quarter of the frame.
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(stage.x + stage.width * 0.25, stage.y + stage.height / 2, { steps: 6 });
    await page.mouse.up();
    expect(Math.abs((await split()) - 25)).toBeLessThanOrEqual(1);
    // The result is shown from the divider on: its clip follows.
    expect(await page.$eval('[data-testid=compare-after]', (el) => getComputedStyle(el.parentElement!).clipPath)).toBe(
      `inset(0px 0px 0px ${await split()}%)`,
    );
    if (mobile) {
      // A finger on the frame puts the divider there.
      await page.touchscreen.tap(stage.x + stage.width * 0.8, stage.y + stage.height / 2);
      await page.waitForFunction(
        (s) => Math.abs(Number(document.querySelector(s)!.getAttribute('aria-valuenow')) - 80) <= 1,
        slider,
      );
    }
    await screenshot(page, `compare-uploads-${tag}-slider-dragged`);

    // The keyboard: arrows step by 5, Shift + arrow by 20, Home and End go to the ends.
    await page.focus(slider);
    await page.keyboard.press('Home');
    expect(await split()).toBe(0);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await split()).toBe(10);
    await page.keyboard.press('Shift+ArrowRight');
    expect(await split()).toBe(30);
    await page.keyboard.press('ArrowLeft');
    expect(await split()).toBe(25);
    await page.keyboard.press('End');
    expect(await split()).toBe(100);
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
    expect(await split()).toBe(50);
    expect(await page.getAttribute(slider, 'aria-valuetext')).toBe(`${text.before} 50% · ${text.after} 50%`);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, `compare-uploads-${tag}-slider`);
  });

  it('zooms both pictures alike, pans them once zoomed, and resets', async () => {
    const { page, context } = p;
    // The pictures' boxes relative to the frame (a click may scroll the page).
    const rects = () =>
      page.$$eval('[data-testid=compare-before] img, [data-testid=compare-after] img', (els) => {
        const frame = document.querySelector('[data-testid=compare-stage]')!.getBoundingClientRect();
        return els.map((e) => {
          const r = e.getBoundingClientRect();
          const round = (n: number) => Math.round(n);
          return { x: round(r.x - frame.x), y: round(r.y - frame.y), width: round(r.width), height: round(r.height) };
        });
      });
    const zoom = async () => Number(await page.getAttribute('[data-testid=before-after]', 'data-zoom'));
    const stage = await box(page, '[data-testid=compare-stage]');
    const [before0, after0] = await rects();
    expect(before0).toEqual(after0);
    expect(Math.abs(before0.width - stage.width)).toBeLessThanOrEqual(2);

    await page.click('[data-testid=zoom-in]');
    expect(await zoom()).toBe(1.5);
    expect(await page.textContent('[data-testid=zoom-level]')).toBe('150%');
    let [before, after] = await rects();
    expect(before).toEqual(after); // one zoom for both
    expect(Math.abs(before.width - before0.width * 1.5)).toBeLessThanOrEqual(2);

    // Two fingers spread apart (a phone) or Ctrl + wheel (a desktop) zoom further over the frame.
    await zoomGesture(page, context, mobile, stage);
    // 1.5 × 80 / 40 after the pinch, 1.5 × 1.5 after one notch.
    const expected = mobile ? '3' : '2.25';
    await page.waitForFunction(
      (z) => document.querySelector('[data-testid=before-after]')!.getAttribute('data-zoom') === z,
      expected,
    );
    const zoomed = await zoom();
    [before, after] = await rects();
    expect(before).toEqual(after);
    expect(Math.abs(before.width - before0.width * zoomed)).toBeLessThanOrEqual(2);

    // Dragging the zoomed frame (away from the divider) pans both pictures, not the divider.
    const startX = stage.x + stage.width * 0.75;
    const startY = stage.y + stage.height / 2;
    await page.mouse.move(startX, startY);
    await page.mouse.down();
    await page.mouse.move(startX - 60, startY - 40, { steps: 5 });
    await page.mouse.up();
    const [pannedBefore, pannedAfter] = await rects();
    expect(pannedBefore).toEqual(pannedAfter);
    expect(pannedBefore.x - before.x).toBe(-60);
    expect(pannedBefore.y - before.y).toBe(-40);
    expect(await page.getAttribute('[data-testid=compare-slider]', 'aria-valuenow')).toBe('50');
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, `compare-uploads-${tag}-zoomed`);

    await page.click('[data-testid=zoom-reset]');
    expect(await zoom()).toBe(1);
    expect(await rects()).toEqual([before0, after0]);
  });

  it('opens the full-size view at the result: arrows switch, the focus stays inside and comes back on Escape', async () => {
    const { page } = p;
    await page.click('[data-testid=open-full]');
    await page.waitForSelector('[data-testid=lightbox]');
    const label = () => page.textContent('[data-testid=lightbox-label]');
    const focusInside = () => page.evaluate(() => document.activeElement?.closest('[data-testid=lightbox]') !== null);
    expect(await label()).toBe(`${text.after} · 2/2`);
    expect(await focusInside()).toBe(true);
    await page.keyboard.press('ArrowLeft');
    expect(await label()).toBe(`${text.before} · 1/2`);
    await imagesLoaded(page, '[data-testid=lightbox] img', 1);
    await screenshot(page, `compare-uploads-${tag}-lightbox-before`);
    await page.keyboard.press('ArrowRight');
    expect(await label()).toBe(`${text.after} · 2/2`);
    await page.keyboard.press('ArrowRight'); // round to the first
    expect(await label()).toBe(`${text.before} · 1/2`);

    // It zooms as the compare view does: the buttons, Ctrl + wheel or a pinch, dragging pans.
    const lightbox = '[data-testid=lightbox]';
    const zoom = async () => Number(await page.getAttribute('[data-testid=lightbox-stage]', 'data-zoom'));
    const picture = () => box(page, '[data-testid=lightbox-stage] img');
    await imagesLoaded(page, `${lightbox} img`, 1);
    const plain = await picture();
    expect(await zoom()).toBe(1);
    await page.click(`${lightbox} [data-testid=zoom-in]`);
    expect(await zoom()).toBe(1.5);
    expect(await page.textContent(`${lightbox} [data-testid=zoom-level]`)).toBe('150%');
    expect(Math.abs((await picture()).width - plain.width * 1.5)).toBeLessThanOrEqual(2);
    const stage = await box(page, '[data-testid=lightbox-stage]');
    await zoomGesture(page, p.context, mobile, stage);
    await page.waitForFunction(
      (z) => document.querySelector('[data-testid=lightbox-stage]')!.getAttribute('data-zoom') === z,
      mobile ? '3' : '2.25',
    );
    const cx = stage.x + stage.width / 2;
    const cy = stage.y + stage.height / 2;
    const zoomed = await picture();
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 30, cy - 20, { steps: 5 });
    await page.mouse.up();
    const panned = await picture();
    expect([Math.round(panned.x - zoomed.x), Math.round(panned.y - zoomed.y)]).toEqual([-30, -20]);
    await screenshot(page, `compare-uploads-${tag}-lightbox-zoomed`);
    // Another picture starts at 100 %; back to the first one, as the focus checks below expect.
    await page.keyboard.press('ArrowRight');
    expect(await zoom()).toBe(1);
    await page.keyboard.press('ArrowLeft');
    expect(await label()).toBe(`${text.before} · 1/2`);
    await page.click(`${lightbox} [data-testid=zoom-in]`);
    await page.click(`${lightbox} [data-testid=zoom-reset]`);
    expect(await zoom()).toBe(1);
    await page.locator(`${lightbox} button.primary`).focus();
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInside()).toBe(true);
    }
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusInside()).toBe(true);
    }
    await imagesLoaded(page, '[data-testid=lightbox] img', 1);
    await screenshot(page, `compare-uploads-${tag}-lightbox`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=lightbox]', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('open-full');
  });
});
