/**
 * Output presets for the white main image (issue 15, item 4) in a real browser (Debian's
 * Chromium) against the whole system — backend on SQLite, the vendor sandbox doing the CI work on
 * real pixels, the pinned n8n running workflows/basic_clean.json — in Chinese and in English, on a
 * 375 px phone and on a 1280×860 desktop. A merchant picks a preset card (each drawn at its aspect,
 * named in the language), optionally a margin and a background colour, and gets the image the
 * preset promises: a 750×1000 JPEG on the chosen colour with its margin, or an 800×800 PNG whose
 * background is transparent. Screenshots go to test-artifacts/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { waitFor } from '../../jest/wait-for';
import type { Stack } from '../../scripts/stack';
import { randomPhone, requestJson, signUpMember } from '../../scripts/stack-client';
import { garment, horizontalOverflow, imagesLoaded, screenshot, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(120_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;

interface Task {
  id: string;
  status: string;
  params: Record<string, string>;
  resultUrls: string[];
  errorCode: string | null;
}

beforeAll(async () => {
  ui = await startUiStack('presets');
  ({ stack, browser } = ui);
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

const VIEWPORTS = { mobile: { width: 375, height: 812 }, desktop: { width: 1280, height: 860 } };

/** What each run picks and what the result must be. */
const PDD = {
  preset: 'pdd_750x1000',
  names: { zh: '拼多多 750×1000', en: 'Pinduoduo 750×1000' },
  margin: '10',
  background: '#F3EDE4',
};
const CLEAR = { preset: 'transparent_800x800', names: { zh: '透明 PNG 800×800', en: 'Transparent PNG 800×800' } };

describe.each([
  ['zh', 'mobile', 'pdd'],
  ['zh', 'desktop', 'transparent'],
  ['en', 'mobile', 'transparent'],
  ['en', 'desktop', 'pdd'],
] as const)('output presets in %s on %s (%s)', (lang, screen, pick) => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let token: string;
  const shot = (n: string) => screenshot(page, `presets-${n}-${lang}-${screen}`);
  const card = (param: string, value: string) => page.locator(`[data-param=${param}] [data-value="${value}"]`);

  beforeAll(async () => {
    ({ token } = await signUpMember(stack, randomPhone(lang === 'zh' ? '135' : '134')));
    context = await browser.newContext({ viewport: VIEWPORTS[screen] });
    await context.addInitScript(
      ([t, l]) => {
        window.localStorage.setItem('aiphoto.token', t);
        window.localStorage.setItem('aiphoto.lang', l);
      },
      [token, lang] as const,
    );
    errors = watchErrors(context, stack.backend.url);
    page = await context.newPage();
    await page.goto(`${stack.backend.url}/`);
    await page.waitForSelector('[data-testid=type-card][data-type=basic_clean]');
    await page.check('input[name=type][value=basic_clean]');
  });
  afterAll(() => context?.close());

  it('shows the presets as cards named in the language, each frame drawn at its aspect', async () => {
    const presets = page.locator('[data-param=preset]');
    await presets.waitFor();
    for (const p of [PDD, CLEAR]) {
      await expect(card('preset', p.preset).locator('.pick-name').innerText()).resolves.toBe(p.names[lang]);
    }
    const ratio = async (value: string) => {
      const box = await card('preset', value).locator('[data-testid=size-frame]').boundingBox();
      return box ? box.width / box.height : NaN;
    };
    expect(await ratio('pdd_750x1000')).toBeCloseTo(0.75, 1);
    expect(await ratio('portrait_900x1200')).toBeCloseTo(0.75, 1);
    expect(await ratio('taobao_800x800')).toBeCloseTo(1, 1);
    // The default (Taobao/Tmall 800×800, white, no margin) is picked at the start.
    await expect(card('preset', 'taobao_800x800').getAttribute('class')).resolves.toContain('selected');
    await expect(card('background', '#FFFFFF').getAttribute('class')).resolves.toContain('selected');
    await expect(card('margin', '0').getAttribute('class')).resolves.toContain('selected');
    // Colours are swatches of their own colour.
    const swatch = await card('background', '#F3EDE4')
      .locator('[data-testid=swatch]')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(swatch).toBe('rgb(243, 237, 228)');
    expect(await horizontalOverflow(page)).toBe(0);
  });

  it(`picks ${pick === 'pdd' ? 'Pinduoduo 750×1000 with a margin on beige' : 'a transparent PNG'} and gets exactly that image`, async () => {
    if (pick === 'pdd') {
      await card('preset', PDD.preset).click();
      await card('margin', PDD.margin).click();
      await card('background', PDD.background).click();
    } else {
      await card('preset', CLEAR.preset).click();
      // A transparent PNG has no background: the colour is not offered for it.
      await page.locator('[data-param=background]').waitFor({ state: 'detached' });
    }
    await expect(card('preset', pick === 'pdd' ? PDD.preset : CLEAR.preset).getAttribute('class')).resolves.toContain(
      'selected',
    );
    await page.setInputFiles('[data-testid=file-input]', [await garment(lang === 'zh' ? 3 : 4)]);
    await page.waitForSelector('.upload[data-state=done]');
    expect(await horizontalOverflow(page)).toBe(0);
    await shot('form');
    await page.click('[data-testid=submit]');
    await page.click('[data-testid=confirm]');

    const listed = await waitFor(
      () => requestJson<{ items: Task[] }>(`${stack.backend.url}/api/v1/tasks?type=basic_clean&limit=1`, { token }),
      (l) => ['done', 'failed', 'canceled'].includes(l.items[0]?.status ?? ''),
      { timeoutMs: 60_000, what: 'the basic_clean task' },
    );
    const task = listed.items[0];
    expect(task).toMatchObject({ status: 'done', errorCode: null });
    expect(task.params).toEqual(
      pick === 'pdd'
        ? { preset: PDD.preset, margin: PDD.margin, background: PDD.background }
        : { preset: CLEAR.preset, margin: '0', background: '#FFFFFF' },
    );

    // The pixels: size, format, background colour or transparency, the margin.
    const bytes = Buffer.from(await (await fetch(task.resultUrls[0])).arrayBuffer());
    const meta = await sharp(bytes).metadata();
    const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4)];
    const corners = [at(0, 0), at(info.width - 1, 0), at(0, info.height - 1), at(info.width - 1, info.height - 1)];
    if (pick === 'pdd') {
      expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['jpeg', 750, 1000, false]);
      for (const [r, g, b] of corners) {
        expect(Math.abs(r - 0xf3) + Math.abs(g - 0xed) + Math.abs(b - 0xe4)).toBeLessThanOrEqual(12);
      }
      // 10 % of the shorter side (75 px) is background left and right of the garment.
      const row = Math.floor(info.height / 2);
      for (const x of [0, 30, 70, info.width - 71, info.width - 1]) {
        const [r, g, b] = at(x, row);
        expect(Math.abs(r - 0xf3) + Math.abs(g - 0xed) + Math.abs(b - 0xe4)).toBeLessThanOrEqual(12);
      }
    } else {
      expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['png', 800, 800, true]);
      for (const corner of corners) expect(corner[3]).toBe(0);
    }
    // The garment (red) sits in the middle, opaque.
    const [r, g, , alpha] = at(Math.floor(info.width / 2), Math.floor(info.height / 2));
    expect([alpha, r > g + 60]).toEqual([255, true]);

    await page.click(`[data-task-id="${task.id}"] .thumb`);
    await page.waitForSelector('[data-testid=task-page][data-status=done]');
    await imagesLoaded(page, '[data-testid=result-image]', 1);
    const summary = await page.locator('[data-testid=task-params]').innerText();
    // Named in the language; a transparent PNG names no background.
    expect(summary).toBe(
      pick === 'pdd'
        ? { zh: '拼多多 750×1000 · 留白 10% · 米色底', en: 'Pinduoduo 750×1000 · 10% margin · Beige background' }[lang]
        : { zh: '透明 PNG 800×800 · 不留白', en: 'Transparent PNG 800×800 · No margin' }[lang],
    );
    expect(summary).not.toMatch(/pdd_|transparent_|#[0-9A-F]{6}/);
    expect(await horizontalOverflow(page)).toBe(0);
    await shot('result');
    expect(errors).toEqual([]);
  });
});
