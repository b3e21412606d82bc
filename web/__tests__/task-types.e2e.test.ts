/**
 * The portal's create form is built from `GET /api/v1/task-types`, in a real browser against the
 * whole system (SQLite backend, the vendor sandbox, the pinned n8n with the repo's workflows).
 * An admin registers types through the admin API only — a one-photo type with a choice and a
 * text parameter, and a two-photo type (garments × one model photo), both pointing at the
 * shipped basic-clean workflow, plus a type made from a finished task — and a merchant, on a
 * 375 px phone in Chinese and on a desktop in English, sees the first two with their prices,
 * never the third, creates batches whose cost is credits × tasks, and gets results. The task
 * page names scene, category and choices in the current language, never their codes; the seeded
 * basic_clean and model_pose12 still work end to end, and so do the shipped fitting (garments ×
 * one model photo) and travel (a destination from the scene catalog). Screenshots go to
 * test-artifacts/screenshots/ (types-*).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { adminLogin, type Stack } from '../../scripts/stack';
import { requestJson, signUpMember } from '../../scripts/stack-client';
import { garment, horizontalOverflow, imagesLoaded, screenshot, watchCsp, watchErrors } from './support/browser';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(180_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;

const text = (zh: string, en: string) => ({ zh, en });

/** Registered through the admin API only: no portal code knows these keys. */
const QUICK = {
  key: 'quick_cutout',
  name: text('极速抠图', 'Quick cut-out'),
  description: text('商品抠图，适合详情页', 'Product cut-out for detail pages'),
  webhookPath: 'aiphoto-basic-clean',
  credits: 2,
  deadlineSeconds: 120,
  inputs: [{ name: 'photo', kind: 'image', label: text('商品图', 'Product photo') }],
  params: [
    {
      name: 'finish',
      kind: 'choice',
      label: text('背景', 'Background'),
      required: true,
      default: 'white',
      options: [
        { value: 'white', label: text('纯白', 'Pure white') },
        { value: 'grey', label: text('浅灰', 'Light grey') },
      ],
    },
    { name: 'note', kind: 'text', label: text('备注', 'Note'), required: false, maxLength: 10 },
  ],
  outputs: 1,
  sort: 5,
};
const DUO = {
  key: 'duo_try',
  name: text('双图合成', 'Two-photo blend'),
  description: text('多件服装 × 一张模特照', 'Many garments × one model photo'),
  webhookPath: 'aiphoto-basic-clean',
  credits: 3,
  deadlineSeconds: 120,
  inputs: [
    { name: 'garment', kind: 'image', label: text('服装图', 'Garment photo') },
    { name: 'model', kind: 'image', label: text('模特照', 'Model photo') },
  ],
  outputs: 1,
  sort: 6,
};
const FROM_TASK = {
  key: 'from_task_only',
  name: text('作品再创作', 'Remix a result'),
  webhookPath: 'aiphoto-basic-clean',
  credits: 1,
  deadlineSeconds: 120,
  inputs: [{ name: 'source', kind: 'task', label: text('作品', 'Result'), minResults: 1 }],
  outputs: 1,
};

interface TaskView {
  id: string;
  type: string;
  status: string;
  params: Record<string, unknown>;
  inputUrls: Record<string, string[]>;
  resultUrls: string[];
}

const me = async (token: string) =>
  requestJson<{ quotaRemaining: number }>(`${stack.backend.url}/api/v1/me`, { token });
const taskOf = (token: string, id: string) =>
  requestJson<TaskView>(`${stack.backend.url}/api/v1/tasks/${id}`, { token });

/** A signed-in portal in `lang` at the given width; console errors and CSP reports collected. */
async function portal(token: string, lang: 'zh' | 'en', width: number) {
  const context = await browser.newContext({ viewport: { width, height: width < 500 ? 812 : 900 } });
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
  await page.goto(`${stack.backend.url}/`);
  await page.waitForSelector('[data-testid=membership][data-state=active]');
  await page.waitForSelector('[data-testid=type-card]');
  return { context, page, errors, csp };
}

/** A "model photo" for the try-on: plain blue. */
async function modelPhoto(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const buffer = await sharp({ create: { width: 600, height: 800, channels: 3, background: { r: 25, g: 50, b: 210 } } })
    .jpeg({ quality: 92 })
    .toBuffer();
  return { name: 'model.jpg', mimeType: 'image/jpeg', buffer };
}

/** Waits until the newest batch on the workspace has `n` tasks, all done; their ids. */
async function newestBatchDone(page: Page, n: number, timeout = 60_000): Promise<string[]> {
  await page.waitForFunction(
    (count) => {
      const cards = document.querySelector('[data-testid=batch]')?.querySelectorAll('[data-testid=task-card]') ?? [];
      return cards.length === count && [...cards].every((c) => c.getAttribute('data-status') === 'done');
    },
    n,
    { timeout },
  );
  return page.$$eval('[data-testid=batch] >> nth=0 >> [data-testid=task-card]', (els) =>
    els.map((e) => e.getAttribute('data-task-id')!),
  );
}

/** Submits the workspace form and confirms the charge; the ids of the new batch once all `n` are done. */
async function confirmBatch(page: Page, n: number, timeout?: number): Promise<string[]> {
  await page.click('[data-testid=submit]');
  await page.click('[data-testid=confirm]');
  return newestBatchDone(page, n, timeout);
}

/** Opens a task's page from its card and waits until it shows the finished task. */
async function openTask(page: Page, id: string): Promise<void> {
  await page.click(`[data-task-id="${id}"] .thumb`);
  await page.waitForSelector('[data-testid=task-page][data-status=done]');
}

/**
 * For one describe block: a new member signed in to the portal in `lang` at `width` (handed to
 * `use`), closed after the block; after each test, no console error and no CSP report.
 */
function withMemberPortal(lang: 'zh' | 'en', width: number, use: (member: { token: string; page: Page }) => void) {
  let context: BrowserContext | undefined;
  let errors: string[] | undefined;
  let csp: string[] | undefined;
  beforeAll(async () => {
    const { token } = await signUpMember(stack);
    const opened = await portal(token, lang, width);
    ({ context, errors, csp } = opened);
    use({ token, page: opened.page });
  });
  afterAll(() => context?.close());
  afterEach(() => {
    expect(errors).toEqual([]);
    expect(csp).toEqual([]);
  });
}

beforeAll(async () => {
  ui = await startUiStack('types');
  ({ stack, browser } = ui);
  const { token } = await requestJson<{ token: string }>(`${stack.backend.url}/api/v1/admin/login`, {
    body: adminLogin(stack),
  });
  for (const def of [QUICK, DUO, FROM_TASK])
    await requestJson(`${stack.backend.url}/api/v1/admin/task-types`, { token, body: def });
}, 15 * 60_000);

afterAll(() => ui?.close(), 60_000);

describe('a type added through the admin API, on a 375 px phone in Chinese', () => {
  let token: string;
  let page: Page;
  withMemberPortal('zh', 375, (member) => {
    ({ token, page } = member);
  });

  it('shows every offered type with its price, and not the one made from a finished task', async () => {
    const cards = await page.$$eval('[data-testid=type-card]', (els) =>
      els.map((e) => [e.getAttribute('data-type'), e.querySelector('[data-testid=type-price]')?.textContent]),
    );
    // In sort order; other products an operator may have added do not matter here.
    const mine = ['quick_cutout', 'duo_try', 'basic_clean', 'model_pose12'];
    expect(cards.filter(([key]) => mine.includes(key!))).toEqual([
      ['quick_cutout', '2 点 / 张'],
      ['duo_try', '3 点 / 张'],
      ['basic_clean', '1 点 / 张'],
      ['model_pose12', '1 点 / 张 · 每张最多出 12 图'],
    ]);
    expect(await page.textContent('[data-testid=types]')).toContain('极速抠图');
    expect(await page.textContent('[data-testid=types]')).not.toContain('作品再创作');
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'types-mobile-zh-cards');
  });

  it('creates a batch with its parameters, costing credits × photos, and shows the results', async () => {
    await page.check('input[name=type][value=quick_cutout]');
    // The choice starts at its default; the merchant picks the other one and writes a note.
    expect(await page.isChecked('input[name=finish][value=white]')).toBe(true);
    await page.check('input[name=finish][value=grey]');
    await page.fill('input[name=note]', '秋季新款');
    await page.setInputFiles('[data-testid=file-input]', [await garment(0), await garment(1)]);
    await page.waitForFunction(() => document.querySelectorAll('.upload[data-state=done]').length === 2);
    expect(await page.textContent('[data-testid=cost]')).toBe('共 2 个任务 × 2 点，消耗 4 点（剩余 100 点）');
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'types-mobile-zh-form');
    await page.click('[data-testid=submit]');
    expect(await page.textContent('[data-testid=confirm]')).toBe('确认消耗 4 点，生成 2 个任务');
    await page.click('[data-testid=confirm]');
    const [id] = await newestBatchDone(page, 2);
    expect((await me(token)).quotaRemaining).toBe(96);
    const task = await taskOf(token, id);
    expect([task.type, task.status, task.params]).toEqual([
      'quick_cutout',
      'done',
      { finish: 'grey', note: '秋季新款' },
    ]);
    expect(task.resultUrls).toHaveLength(1);

    await openTask(page, id);
    expect(await page.textContent('[data-testid=task-page] h1')).toBe('极速抠图');
    expect(await page.textContent('[data-testid=task-params]')).toBe('浅灰 · 备注: 秋季新款');
    await imagesLoaded(page, '[data-testid=before-after] img', 2);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'types-mobile-zh-task');
  });

  it('makes many garments × one model photo for a two-photo type, and says so', async () => {
    await page.click('text=工作台');
    await page.check('input[name=type][value=duo_try]');
    expect(await page.textContent('[data-testid=batch-rule]')).toBe(
      '每张「服装图」生成一个任务，都搭配同一张「模特照」',
    );
    const garments = '[data-testid=slot][data-slot=garment] [data-testid=file-input]';
    const model = '[data-testid=slot][data-slot=model] [data-testid=file-input]';
    expect(await page.getAttribute(garments, 'multiple')).not.toBeNull();
    expect(await page.getAttribute(model, 'multiple')).toBeNull();
    await page.setInputFiles(garments, [await garment(2), await garment(3)]);
    await page.waitForFunction(() => document.querySelectorAll('.upload[data-state=done]').length === 2);
    // Without the shared photo nothing can be created yet.
    expect(await page.textContent('[data-testid=missing-slot]')).toBe('还需要上传「模特照」');
    expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
    await page.setInputFiles(model, [await garment(4)]);
    await page.setInputFiles(model, [await garment(5)]); // a second pick replaces the first
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-slot=model] .upload').length === 1 &&
        document.querySelectorAll('.upload[data-state=done]').length === 3,
    );
    expect(await page.textContent('[data-testid=cost]')).toBe('共 2 个任务 × 3 点，消耗 6 点（剩余 96 点）');
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'types-mobile-zh-two-photos');
    const ids = await confirmBatch(page, 2);
    expect((await me(token)).quotaRemaining).toBe(90);
    const tasks = await Promise.all(ids.map((id) => taskOf(token, id)));
    // Two tasks, each with its own garment and the same model photo.
    expect(tasks.map((t) => t.type)).toEqual(['duo_try', 'duo_try']);
    const path = (url: string) => new URL(url).pathname;
    expect(new Set(tasks.map((t) => path(t.inputUrls.garment[0]))).size).toBe(2);
    expect(new Set(tasks.map((t) => path(t.inputUrls.model[0]))).size).toBe(1);

    await openTask(page, ids[0]);
    await imagesLoaded(page, '[data-testid=task-inputs] img', 2);
    expect(await page.textContent('[data-testid=task-inputs]')).toBe('服装图模特照');
    await imagesLoaded(page, '[data-testid=result-image]', 1);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'types-mobile-zh-two-photos-task');
  });
});

describe('the seeded types on a desktop in English', () => {
  let token: string;
  let page: Page;
  withMemberPortal('en', 1280, (member) => {
    ({ token, page } = member);
  });

  it('picks scene and category by picture and English name, and the task page never shows codes', async () => {
    expect(await page.textContent('[data-testid=type-card][data-type=quick_cutout] [data-testid=type-price]')).toBe(
      '2 credit(s) per photo',
    );
    await page.check('input[name=type][value=model_pose12]');
    const names = (param: string) =>
      page.$$eval(`[data-param=${param}] .pick-name`, (els) => els.map((e) => e.textContent));
    expect((await names('scene')).slice(0, 4)).toEqual(['Street', 'Studio', 'Indoor', 'Garden']);
    // No thumbnails in the seeded catalog: each scene gets a tinted tile with its initial.
    const initials = await page.$$eval('[data-param=scene] .pick-thumb', (els) => els.map((e) => e.textContent));
    expect(initials.slice(0, 4)).toEqual(['S', 'S', 'I', 'G']);
    expect((await names('category')).slice(0, 4)).toEqual(['T-shirt', 'Hoodie', 'Shirt', 'Dress']);
    // Nothing chosen before: the first scene and category of the catalog.
    expect(await page.isChecked('input[name=scene][value=street]')).toBe(true);
    expect(await page.isChecked('input[name=category][value=tshirt]')).toBe(true);
    await page.check('input[name=scene][value=garden]');
    await page.check('input[name=category][value=dress]');
    await page.setInputFiles('[data-testid=file-input]', [await garment(6)]);
    await page.waitForSelector('.upload[data-state=done]');
    expect(await page.textContent('[data-testid=cost]')).toBe('1 task(s) × 1 credit(s) cost 1 credit(s) (100 left)');
    await screenshot(page, 'types-desktop-en-pose-form');
    const [id] = await confirmBatch(page, 1);
    await openTask(page, id);
    expect(await page.textContent('[data-testid=task-page] h1')).toBe('AI model, 12 poses');
    expect(await page.textContent('[data-testid=task-params]')).toBe('Garden · Dress');
    await imagesLoaded(page, '[data-testid=result-image]', 12);
    await screenshot(page, 'types-desktop-en-pose-task');
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=task-params]')?.textContent === '花园 · 连衣裙',
    );
    expect(await page.textContent('[data-testid=task-page] h1')).toBe('AI 模特 12 姿势');
    await page.click('[data-testid=lang-toggle]');

    // The next visit starts from the last choice.
    await page.goto(`${stack.backend.url}/`);
    await page.waitForSelector('[data-testid=type-card]');
    expect(await page.isChecked('input[name=type][value=model_pose12]')).toBe(true);
    expect(await page.isChecked('input[name=scene][value=garden]')).toBe(true);
    expect(await page.isChecked('input[name=category][value=dress]')).toBe(true);
  });

  it('still cleans a photo into a white-background image with before/after', async () => {
    await page.check('input[name=type][value=basic_clean]');
    expect(await page.$('[data-param=scene]')).toBeNull();
    await page.setInputFiles('[data-testid=file-input]', [await garment(7)]);
    await page.waitForSelector('.upload[data-state=done]');
    expect(await page.textContent('[data-testid=cost]')).toBe('1 task(s) × 1 credit(s) cost 1 credit(s) (99 left)');
    const [id] = await confirmBatch(page, 1);
    await openTask(page, id);
    expect(await page.textContent('[data-testid=task-page] h1')).toBe('White-background image');
    // Its output preset, margin and background (the defaults here), by name (issue 15).
    expect(await page.textContent('[data-testid=task-params]')).toBe(
      'Taobao/Tmall 800×800 · No margin · White background',
    );
    await imagesLoaded(page, '[data-testid=before-after] img', 2);
    await screenshot(page, 'types-desktop-en-clean-task');
    expect((await me(token)).quotaRemaining).toBe(98);

    // History names every type in English and filters by the registered one too.
    await page.click('text=My images');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-card]').length === 2);
    const labels = await page.$$eval('[data-testid=history] select:first-of-type option', (els) =>
      els.map((e) => e.textContent),
    );
    expect(labels).toEqual(
      expect.arrayContaining(['Quick cut-out', 'Two-photo blend', 'White-background image', 'AI model, 12 poses']),
    );
    await screenshot(page, 'types-desktop-en-history');
  });
});

/** The seeded catalog's first scenes and categories, as each language names them. */
const CATALOG = {
  zh: {
    scenes: ['街拍', '影棚', '室内', '花园'],
    initials: ['街', '影', '室', '花'],
    categories: ['T恤', '卫衣', '衬衫', '连衣裙'],
  },
  en: {
    scenes: ['Street', 'Studio', 'Indoor', 'Garden'],
    initials: ['S', 'S', 'I', 'G'],
    categories: ['T-shirt', 'Hoodie', 'Shirt', 'Dress'],
  },
};

describe.each([
  ['zh', 375],
  ['zh', 1280],
  ['en', 375],
  ['en', 1280],
] as const)('scene and category pickers in %s at %i px', (lang, width) => {
  const tag = `${lang}-${width === 375 ? 'mobile' : 'desktop'}`;

  it('show a picture and the name in the language, start at the first category, and the task page names them', async () => {
    const { token } = await signUpMember(stack);
    const { context, page, errors, csp } = await portal(token, lang, width);
    try {
      await page.check('input[name=type][value=model_pose12]');
      const names = (param: string) =>
        page.$$eval(`[data-param=${param}] .pick-name`, (els) => els.map((e) => e.textContent));
      expect((await names('scene')).slice(0, 4)).toEqual(CATALOG[lang].scenes);
      const initials = await page.$$eval('[data-param=scene] .pick-thumb', (els) => els.map((e) => e.textContent));
      expect(initials.slice(0, 4)).toEqual(CATALOG[lang].initials);
      expect((await names('category')).slice(0, 4)).toEqual(CATALOG[lang].categories);
      // A first visit: the catalog's first scene and category are chosen, not nothing.
      expect(await page.isChecked('input[name=scene][value=street]')).toBe(true);
      expect(await page.isChecked('input[name=category][value=tshirt]')).toBe(true);
      await page.check('input[name=scene][value=indoor]');
      await page.check('input[name=category][value=shirt]');
      await page.setInputFiles('[data-testid=file-input]', [await garment(7)]);
      await page.waitForSelector('.upload[data-state=done]');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `types-pickers-${tag}-form`);
      const [id] = await confirmBatch(page, 1);
      await openTask(page, id);
      expect(await page.textContent('[data-testid=task-params]')).toBe(
        { zh: '室内 · 衬衫', en: 'Indoor · Shirt' }[lang],
      );
      // No code of the catalog anywhere on the page (`indoor · shirt`, `indoor`, `shirt`).
      const shown = await page.innerText('[data-testid=task-page]');
      expect(shown).not.toMatch(/\bindoor\b|\bshirt\b/);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, `types-pickers-${tag}-task`);
    } finally {
      await context.close();
    }
    expect(errors).toEqual([]);
    expect(csp).toEqual([]);
  });
});

describe('the shipped fitting and travel products, through the portal', () => {
  let token: string;
  let page: Page;
  withMemberPortal('zh', 375, (member) => {
    ({ token, page } = member);
  });

  it('fits two garments onto one model photo, two images each, on a phone in Chinese', async () => {
    await page.check('input[name=type][value=fitting]');
    expect(await page.textContent('[data-testid=type-card][data-type=fitting] [data-testid=type-price]')).toBe(
      '1 点 / 张 · 每张最多出 4 图',
    );
    expect(await page.textContent('[data-testid=batch-rule]')).toBe(
      '每张「服装图」生成一个任务，都搭配同一张「模特照」',
    );
    // The count starts at the type's default (1 image); the merchant asks for 2.
    expect(await page.isChecked('input[name=count][value="1"]')).toBe(true);
    await page.check('input[name=count][value="2"]');
    await page.setInputFiles('[data-slot=garment] [data-testid=file-input]', [await garment(0), await garment(1)]);
    await page.setInputFiles('[data-slot=model] [data-testid=file-input]', [await modelPhoto()]);
    await page.waitForFunction(() => document.querySelectorAll('.upload[data-state=done]').length === 3);
    expect(await page.textContent('[data-testid=cost]')).toBe('共 2 个任务 × 1 点，消耗 2 点（剩余 100 点）');
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'types-mobile-zh-fitting-form');
    const ids = await confirmBatch(page, 2, 120_000);
    expect((await me(token)).quotaRemaining).toBe(98);
    const tasks = await Promise.all(ids.map((id) => taskOf(token, id)));
    expect(tasks.map((t) => [t.type, t.params.count, t.resultUrls.length])).toEqual([
      ['fitting', '2', 2],
      ['fitting', '2', 2],
    ]);

    await openTask(page, ids[0]);
    expect(await page.textContent('[data-testid=task-page] h1')).toBe('虚拟试衣');
    expect(await page.textContent('[data-testid=task-params]')).toBe('2 张');
    await imagesLoaded(page, '[data-testid=task-inputs] img', 2);
    await imagesLoaded(page, '[data-testid=result-image]', 2);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'types-mobile-zh-fitting-task');
  });

  it('puts a garment in a chosen travel destination, in English on a desktop', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click('[data-testid=lang-toggle]');
    await page.click('text=Workspace');
    await page.check('input[name=type][value=travel]');
    // Destinations by their English names; no codes anywhere in the form.
    const destinations = await page.$$eval('[data-param=scene] .pick-name', (els) => els.map((e) => e.textContent));
    expect(destinations).toEqual(expect.arrayContaining(['Seaside holiday', 'Old water town']));
    await page.check('input[name=scene][value=seaside]');
    await page.check('input[name=count][value="2"]');
    await page.setInputFiles('[data-testid=file-input]', [await garment(2)]);
    await page.waitForSelector('.upload[data-state=done]');
    const left = (await me(token)).quotaRemaining;
    expect(await page.textContent('[data-testid=cost]')).toBe(
      `1 task(s) × 1 credit(s) cost 1 credit(s) (${left} left)`,
    );
    expect(await page.textContent('[data-testid=create]')).not.toMatch(/seaside|old_town/);
    await screenshot(page, 'types-desktop-en-travel-form');
    const [id] = await confirmBatch(page, 1, 120_000);
    const task = await taskOf(token, id);
    expect([task.type, task.params.scene, task.resultUrls.length]).toEqual(['travel', 'seaside', 2]);
    await openTask(page, id);
    expect(await page.textContent('[data-testid=task-page] h1')).toBe('Travel photos');
    expect(await page.textContent('[data-testid=task-params]')).toBe('Seaside holiday · 2 images');
    await imagesLoaded(page, '[data-testid=result-image]', 2);
    await screenshot(page, 'types-desktop-en-travel-task');
  });
});
