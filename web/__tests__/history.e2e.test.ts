/**
 * Batches that persist and a history that filters and acts on many tasks (issue 15, item 3), in a
 * real browser against the whole system (SQLite backend, the vendor sandbox, the pinned n8n with
 * the repo's workflows): on a 375 px phone in Chinese and on a 1280 × 860 desktop in English.
 * The workspace shows the newest batches and their ZIP again after a reload and in another
 * browser; the history's favourites tab, file-name search and day range live in the URL (reload,
 * back and forward keep them); cards are picked with the keyboard or the pointer for one ZIP
 * (entries named after the uploads) or one delete (asked first, with the count). Another
 * merchant's tasks never show. Screenshots go to test-artifacts/screenshots/ (history-*).
 */
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { waitFor } from '../../jest/wait-for';
import { readZip } from '../../backend/src/modules/media/__tests__/zip-reader';
import type { Stack } from '../../scripts/stack';
import { requestJson, signUpMember, type Merchant } from '../../scripts/stack-client';
import { garment, horizontalOverflow, screenshot, watchCsp, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(180_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;

interface TaskView {
  id: string;
  batchId: string;
  status: string;
}

const api = <T>(token: string, path: string, body?: unknown) =>
  requestJson<T>(`${stack.backend.url}${path}`, { token, body });

/** Uploads a garment photo under the given file name; its storage key. */
async function upload(token: string, seed: number, name: string): Promise<string> {
  const photo = await garment(seed);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(photo.buffer)], { type: photo.mimeType }), name);
  const res = await fetch(`${stack.backend.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status >= 300) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

/** One basic_clean batch of these uploads, waited for until every task is done. */
async function batch(token: string, keys: string[]): Promise<{ batchId: string; ids: string[] }> {
  const made = await api<{ batchId: string; tasks: TaskView[] }>(token, '/api/v1/tasks', {
    type: 'basic_clean',
    inputKeys: keys,
    params: {},
  });
  for (const t of made.tasks)
    await waitFor(
      () => api<TaskView>(token, `/api/v1/tasks/${t.id}`),
      (x) => x.status === 'done',
      { timeoutMs: 60_000, what: `task ${t.id} to finish` },
    );
  return { batchId: made.batchId, ids: made.tasks.map((t) => t.id) };
}

async function zipNames(download: Download): Promise<string[]> {
  const file = await download.path();
  return readZip(readFileSync(file!))
    .map((e) => e.name)
    .sort();
}

beforeAll(async () => {
  ui = await startUiStack('history');
  ({ stack, browser } = ui);
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

const cases = [
  {
    lang: 'zh' as const,
    width: 375,
    height: 812,
    tag: 'mobile-zh',
    names: ['白T恤.jpg', '碎花连衣裙.jpg', '羊毛大衣.jpg'],
    search: '连衣',
    text: {
      selected: (n: number) => `已选 ${n} 项`,
      question: (n: number) => `确认删除 ${n} 项？`,
      deleted: (n: number) => `已删除 ${n} 项`,
      noMatch: '没有符合筛选条件的作品',
      earlier: '最近生成',
    },
  },
  {
    lang: 'en' as const,
    width: 1280,
    height: 860,
    tag: 'desktop-en',
    names: ['white-tee.jpg', 'floral-dress.jpg', 'wool-coat.jpg'],
    search: 'DRESS',
    text: {
      selected: (n: number) => `${n} selected`,
      question: (n: number) => `Delete ${n} items?`,
      deleted: (n: number) => `${n} deleted`,
      noMatch: 'Nothing matches these filters',
      earlier: 'Recent batch',
    },
  },
];

describe.each(cases)('batches and history in $lang at $width px', (c) => {
  let merchant: Merchant;
  let first: { batchId: string; ids: string[] };
  let second: { batchId: string; ids: string[] };
  let theirs: string;
  let context: BrowserContext;
  let page: Page;
  const stem = (name: string) => name.replace(/\.jpg$/, '');

  /** Console errors and CSP reports of every context this case opens. */
  const ctxErrors: string[][] = [];
  const ctxCsp: string[][] = [];
  async function open(token: string, path: string): Promise<{ ctx: BrowserContext; p: Page }> {
    const ctx = await browser.newContext({ viewport: { width: c.width, height: c.height }, acceptDownloads: true });
    await ctx.addInitScript(
      ([t, l]) => {
        window.localStorage.setItem('aiphoto.token', t);
        window.localStorage.setItem('aiphoto.lang', l);
      },
      [token, c.lang] as const,
    );
    const e = watchErrors(ctx, stack.backend.url);
    const v = await watchCsp(ctx, stack.backend.url);
    const p = await ctx.newPage();
    await p.goto(`${stack.backend.url}${path}`);
    ctxErrors.push(e);
    ctxCsp.push(v);
    return { ctx, p };
  }

  const cards = (p: Page) =>
    p.$$eval('[data-testid=history] [data-testid=task-card]', (els) => els.map((e) => e.getAttribute('data-task-id')));
  /** Waits until the history lists exactly these tasks (in order). */
  const listed = (p: Page, ids: string[]) =>
    p.waitForFunction(
      (want) =>
        JSON.stringify(
          [...document.querySelectorAll('[data-testid=history] [data-testid=task-card]')].map((e) =>
            e.getAttribute('data-task-id'),
          ),
        ) === JSON.stringify(want),
      ids,
      { timeout: 15_000 },
    );
  const query = (p: Page) => new URL(p.url()).searchParams;
  const fits = async (p: Page) => {
    if (c.width < 500) expect(await horizontalOverflow(p)).toBe(0);
  };

  beforeAll(async () => {
    merchant = await signUpMember(stack);
    const keys = [];
    for (const [i, name] of c.names.entries()) keys.push(await upload(merchant.token, i, name));
    first = await batch(merchant.token, [keys[0], keys[1]]);
    second = await batch(merchant.token, [keys[2]]);
    await api(merchant.token, `/api/v1/tasks/${first.ids[1]}/favorite`, { favorite: true });
    // Another merchant with a task of the same name: never in this merchant's views.
    const other = await signUpMember(stack);
    theirs = (await batch(other.token, [await upload(other.token, 5, c.names[1])])).ids[0];
    ({ ctx: context, p: page } = await open(merchant.token, '/'));
  });
  afterAll(() => context?.close());
  afterEach(() => {
    expect(ctxErrors.flat()).toEqual([]);
    expect(ctxCsp.flat()).toEqual([]);
  });

  it('shows the newest batches and their ZIP again after a reload and in another browser', async () => {
    const batches = async (p: Page) => {
      await p.waitForSelector('[data-testid=batch] [data-testid=task-card][data-status=done]');
      await p.waitForFunction(() => document.querySelectorAll('[data-testid=batch]').length === 2);
      return p.$$eval('[data-testid=batch]', (els) =>
        els.map((e) => [
          e.getAttribute('data-batch-id'),
          e.querySelectorAll('[data-testid=task-card]').length,
          !!e.querySelector('[data-testid=batch-zip]'),
        ]),
      );
    };
    const expected = [
      [second.batchId, 1, true],
      [first.batchId, 2, true],
    ];
    expect(await batches(page)).toEqual(expected);
    expect(await page.textContent('[data-testid=batch] h2')).toContain(c.text.earlier);
    await page.reload();
    expect(await batches(page)).toEqual(expected);
    await fits(page);
    await screenshot(page, `history-${c.tag}-workspace-reloaded`);

    // The two-photo batch's ZIP, from the reloaded page: both results, named after the uploads.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`[data-testid=batch][data-batch-id="${first.batchId}"] [data-testid=batch-zip]`),
    ]);
    const names = await zipNames(download);
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(new RegExp(`^(${stem(c.names[0])}|${stem(c.names[1])})_main\\.(jpg|png)$`));
    expect(names[1]).toMatch(new RegExp(`^(${stem(c.names[0])}|${stem(c.names[1])})_main\\.(jpg|png)$`));
    expect(names[0].split('_')[0]).not.toBe(names[1].split('_')[0]);

    // Another browser (a fresh context: nothing of this page's memory) signed in as the same merchant.
    const elsewhere = await open(merchant.token, '/');
    expect(await batches(elsewhere.p)).toEqual(expected);
    await elsewhere.ctx.close();
  });

  it('keeps the favourites tab in the URL through a reload, back and forward', async () => {
    await page.click('nav a[href="/tasks"]');
    const all = [second.ids[0], ...[...first.ids].reverse()];
    await listed(page, all);
    expect(await cards(page)).not.toContain(theirs);
    await page.click('[data-testid=tab-favorites]');
    await listed(page, [first.ids[1]]);
    expect(query(page).get('fav')).toBe('1');
    expect(await page.getAttribute('[data-testid=tab-favorites]', 'aria-selected')).toBe('true');
    await page.reload();
    await listed(page, [first.ids[1]]);
    expect(await page.getAttribute('[data-testid=tab-favorites]', 'aria-selected')).toBe('true');
    await fits(page);
    await screenshot(page, `history-${c.tag}-favourites`);
    await page.goBack();
    await listed(page, all);
    expect(query(page).get('fav')).toBeNull();
    await page.goForward();
    await listed(page, [first.ids[1]]);
    await page.click('[data-testid=tab-all]');
    await listed(page, all);
  });

  it('searches by file name and by days, the URL keeping both', async () => {
    await page.fill('input[name=q]', c.search);
    await page.press('input[name=q]', 'Enter');
    await listed(page, [first.ids[1]]);
    expect(query(page).get('q')).toBe(c.search);
    // The card names the upload the search matched.
    expect(await page.textContent('[data-testid=history] [data-testid=input-name]')).toBe(c.names[1]);
    // Today in the browser's own calendar: today's tasks are in, from tomorrow on nothing is.
    const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));
    const tomorrow = await page.evaluate(() => new Date(Date.now() + 86_400_000).toLocaleDateString('sv'));
    await page.fill('input[name=from]', today);
    await page.fill('input[name=to]', today);
    await listed(page, [first.ids[1]]);
    expect([query(page).get('from'), query(page).get('to'), query(page).get('q')]).toEqual([today, today, c.search]);
    await page.reload();
    await listed(page, [first.ids[1]]);
    expect(await page.inputValue('input[name=q]')).toBe(c.search);
    expect(await page.inputValue('input[name=from]')).toBe(today);
    await fits(page);
    await screenshot(page, `history-${c.tag}-search`);
    await page.fill('input[name=to]', '');
    await page.fill('input[name=from]', tomorrow);
    await listed(page, []);
    expect(await page.textContent('[data-testid=history-empty]')).toBe(c.text.noMatch);
    await page.goBack(); // from = today again
    await listed(page, [first.ids[1]]);
    await page.click('[data-testid=clear-filters]');
    await listed(page, [second.ids[0], ...[...first.ids].reverse()]);
    expect(new URL(page.url()).search).toBe('');
  });

  it('picks cards with the keyboard and the pointer for one ZIP, and deletes after asking', async () => {
    const box = (id: string) => `[data-testid=task-card][data-task-id="${id}"] [data-testid=select]`;
    // Keyboard: focus the checkbox and press Space.
    await page.focus(box(second.ids[0]));
    await page.keyboard.press('Space');
    await page.click(box(first.ids[0]));
    expect(await page.textContent('[data-testid=selected-count]')).toBe(c.text.selected(2));
    await fits(page);
    await screenshot(page, `history-${c.tag}-selected`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=bulk-zip]')]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const names = await zipNames(download);
    expect(names).toHaveLength(2);
    expect(names.map((n) => n.replace(/_main\.(jpg|png)$/, '')).sort()).toEqual(
      [stem(c.names[0]), stem(c.names[2])].sort(),
    );

    // Delete the two picked: asked first with the count; the third stays.
    await page.click('[data-testid=bulk-delete]');
    expect(await page.textContent('[data-testid=delete-question]')).toContain(c.text.question(2));
    await fits(page);
    await screenshot(page, `history-${c.tag}-delete-confirm`);
    await page.click('[data-testid=bulk-delete-confirm]');
    await page.waitForSelector('[data-testid=bulk-notice]');
    expect(await page.textContent('[data-testid=bulk-notice]')).toBe(c.text.deleted(2));
    await listed(page, [first.ids[1]]);
    await page.reload();
    await listed(page, [first.ids[1]]);
    const left = await api<{ items: TaskView[] }>(merchant.token, '/api/v1/tasks?limit=50');
    expect(left.items.map((t) => t.id)).toEqual([first.ids[1]]);
    await screenshot(page, `history-${c.tag}-deleted`);

    // Select all, then let it go: nothing picked, nothing deleted.
    await page.check('[data-testid=select-all]');
    expect(await page.textContent('[data-testid=selected-count]')).toBe(c.text.selected(1));
    await page.uncheck('[data-testid=select-all]');
    expect(await page.$('[data-testid=selected-count]')).toBeNull();
  });
});
