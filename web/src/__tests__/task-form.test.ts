import type { SceneCatalog, Task } from '../api';
import { retryRequest } from '../lib/use-task-actions';
import {
  choiceLook,
  inapplicableParams,
  initialParams,
  outputSize,
  localized,
  offeredTypes,
  paramProblem,
  planForm,
  slotRoles,
  type TaskTypeDef,
  type TaskTypeParam,
} from '../lib/task-form';

const text = (zh: string, en: string) => ({ zh, en });
const garment = { name: 'garment', kind: 'image' as const, label: text('服装图', 'Garment photo') };

const clean: TaskTypeDef = {
  key: 'basic_clean',
  name: text('白底主图', 'White-background image'),
  description: text('', ''),
  sampleImageUrl: null,
  credits: 1,
  outputs: 1,
  cacheable: true,
  inputs: [garment],
  params: [],
};
const scene: TaskTypeParam = { name: 'scene', kind: 'scene', label: text('场景', 'Scene'), required: true };
const category: TaskTypeParam = { name: 'category', kind: 'category', label: text('品类', 'Category'), required: true };
const pose: TaskTypeDef = { ...clean, key: 'model_pose12', credits: 3, outputs: 12, params: [scene, category] };
const fitting: TaskTypeDef = {
  ...clean,
  key: 'fitting',
  credits: 2,
  outputs: 4,
  inputs: [garment, { name: 'model', kind: 'image', label: text('模特照', 'Model photo') }],
  params: [],
};
const album: TaskTypeDef = {
  ...clean,
  key: 'video_album',
  inputs: [{ name: 'source', kind: 'task', label: text('作品', 'Task'), minResults: 2 }],
};
const catalog: SceneCatalog = {
  scenes: [
    { code: 'street', name: '街拍', nameEn: 'Street' },
    { code: 'garden', name: '花园', nameEn: null },
  ],
  categories: [
    { code: 'tshirt', name: 'T恤', nameEn: 'T-shirt' },
    { code: 'dress', name: '连衣裙', nameEn: 'Dress' },
  ],
};

describe('the create form model', () => {
  it('offers only types made from uploads (a type built on a finished task is offered on that task)', () => {
    expect(offeredTypes([clean, album, fitting]).map((t) => t.key)).toEqual(['basic_clean', 'fitting']);
  });

  it('batches over the first slot and shares the others (many garments × one model photo)', () => {
    expect(slotRoles(fitting).map((r) => [r.slot.name, r.batch, r.max])).toEqual([
      ['garment', true, 50],
      ['model', false, 1],
    ]);
    const three = ['in/a.jpg', 'in/b.jpg', 'in/c.jpg'];
    const waiting = planForm(fitting, [three, []], {}, catalog);
    expect(waiting).toMatchObject({ tasks: 0, cost: 0, missingSlots: ['model'], body: null });
    const ready = planForm(fitting, [three, ['in/model.jpg']], {}, catalog);
    expect(ready).toMatchObject({ tasks: 3, cost: 6, missingSlots: [] });
    expect(ready.body).toEqual({ type: 'fitting', inputKeys: three, inputs: { model: 'in/model.jpg' }, params: {} });
  });

  it('makes one task per photo of a single-slot type, costing credits × tasks, at most 50', () => {
    const keys = Array.from({ length: 52 }, (_, i) => `in/${i}.jpg`);
    const plan = planForm({ ...clean, credits: 2 }, [keys], {}, catalog);
    expect([plan.tasks, plan.cost, plan.body?.inputKeys?.length, plan.body && 'inputs' in plan.body]).toEqual([
      50,
      100,
      50,
      false,
    ]);
    expect(planForm(clean, [[]], {}, catalog)).toMatchObject({ tasks: 0, cost: 0, body: null });
  });

  it('starts scene and category from the last choice, the default, or the catalog’s first', () => {
    expect(initialParams(pose, catalog)).toEqual({ scene: 'street', category: 'tshirt' });
    expect(initialParams({ ...pose, params: [scene, { ...category, default: 'dress' }] }, catalog)).toEqual({
      scene: 'street',
      category: 'dress',
    });
    expect(initialParams(pose, catalog, { scene: 'garden', category: 'gone' })).toEqual({
      scene: 'garden',
      category: 'tshirt', // a remembered code the catalog no longer has is dropped
    });
    expect(initialParams(pose, null)).toEqual({ scene: '', category: '' }); // catalog not loaded yet
  });

  it('validates each parameter by kind, as the server does', () => {
    const note: TaskTypeParam = {
      name: 'note',
      kind: 'text',
      label: text('备注', 'Note'),
      required: true,
      maxLength: 4,
    };
    const mood: TaskTypeParam = {
      name: 'mood',
      kind: 'choice',
      label: text('氛围', 'Mood'),
      required: false,
      options: [{ value: 'warm', label: text('暖', 'Warm') }],
    };
    expect(paramProblem(note, '   ', catalog)).toBe('required');
    expect(paramProblem(note, '四个汉字', catalog)).toBeNull(); // counted in characters, not bytes
    expect(paramProblem(note, '五个汉字呀', catalog)).toBe('tooLong');
    expect(paramProblem(note, 'a\u0007', catalog)).toBe('invalid');
    expect(paramProblem(mood, '', catalog)).toBeNull();
    expect(paramProblem(mood, 'cold', catalog)).toBe('invalid');
    expect(paramProblem(scene, 'beach', catalog)).toBe('invalid');
    expect(paramProblem(scene, '', catalog)).toBe('required');
    expect(paramProblem(category, 'dress', catalog)).toBeNull();
    expect(paramProblem({ ...note, default: 'hi' }, '', catalog)).toBeNull(); // the server fills it in

    const withNote: TaskTypeDef = { ...clean, params: [note, mood] };
    const bad = planForm(withNote, [['in/a.jpg']], { note: 'too long', mood: '' }, catalog);
    expect(bad).toMatchObject({ tasks: 1, problems: { note: 'tooLong' }, body: null });
    const good = planForm(withNote, [['in/a.jpg']], { note: ' ok ', mood: '' }, catalog);
    expect(good.body?.params).toEqual({ note: 'ok' }); // trimmed; the empty optional one is left out
  });

  it('names things in the current language, falling back to Chinese', () => {
    expect(localized(text('花园', 'Garden'), 'en')).toBe('Garden');
    expect(localized(text('花园', ''), 'en')).toBe('花园');
    expect(localized(text('花园', 'Garden'), 'zh')).toBe('花园');
  });
});

describe('output presets in the create form', () => {
  it('draws <name>_<W>x<H> choices as sizes and #RRGGBB choices as colours; anything else as chips', () => {
    expect(choiceLook(['taobao_800x800', 'pdd_750x1000', 'transparent_800x800'])).toBe('sizes');
    expect(choiceLook(['#FFFFFF', '#f3ede4'])).toBe('colors');
    expect(choiceLook(['0', '5', '10'])).toBe('chips');
    expect(choiceLook(['pdd_750x1000', 'other'])).toBe('chips');
    expect(choiceLook(['#FFF'])).toBe('chips');
    expect(choiceLook([])).toBe('chips');
  });

  it('does not offer a background colour for a transparent output', () => {
    const choice = (name: string, values: string[]): TaskTypeParam => ({
      name,
      kind: 'choice',
      label: text(name, name),
      required: false,
      options: values.map((value) => ({ value, label: text(value, value) })),
    });
    const params = [
      choice('preset', ['taobao_800x800', 'transparent_800x800']),
      choice('margin', ['0', '10']),
      choice('background', ['#FFFFFF', '#000000']),
    ];
    expect([...inapplicableParams(params, { preset: 'transparent_800x800' })]).toEqual(['background']);
    expect([...inapplicableParams(params, { preset: 'taobao_800x800' })]).toEqual([]);
    expect([...inapplicableParams(params, {})]).toEqual([]);
    // Not sent either: the server's default applies, so the colour picked before does not count.
    const def: TaskTypeDef = { ...clean, params };
    const chosen = { preset: 'transparent_800x800', margin: '10', background: '#000000' };
    expect(planForm(def, [['in/a.jpg']], chosen, null).body?.params).toEqual({
      preset: 'transparent_800x800',
      margin: '10',
    });
    expect(planForm(def, [['in/a.jpg']], { ...chosen, preset: 'taobao_800x800' }, null).body?.params).toEqual({
      preset: 'taobao_800x800',
      margin: '10',
      background: '#000000',
    });
  });

  it('reads the size a preset names', () => {
    expect(outputSize('pdd_750x1000')).toEqual({ width: 750, height: 1000 });
    expect(outputSize('portrait_900x1200')).toEqual({ width: 900, height: 1200 });
    expect(outputSize('750x1000')).toBeUndefined();
  });
});

describe('retry', () => {
  it('asks for the same task again: every input as named, the parameters without the server’s seed', () => {
    const task = {
      type: 'fitting',
      inputKey: 'in/g.jpg',
      inputs: { garment: 'in/g.jpg', model: 'in/m.jpg' },
      params: { scene: 'garden', seed: 42 },
    } as unknown as Task;
    expect(retryRequest(task)).toEqual({
      type: 'fitting',
      inputs: { garment: 'in/g.jpg', model: 'in/m.jpg' },
      params: { scene: 'garden' },
    });
  });
});
