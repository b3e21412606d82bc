/**
 * The create form as a model, built from a task type of `GET /api/v1/task-types` (no type is
 * known to this code by name): which types the form offers, the upload areas, the batch rule,
 * parameter defaults and validation, the cost, and the request body.
 *
 * Batch rule (the server's, tasks/task-request.ts): the type's first input slot takes 1–50
 * photos and each becomes a task; every other image slot takes exactly one photo, shared by the
 * whole batch (e.g. many garments × one model photo for a try-on).
 */
import type { SceneCatalog, Schemas } from '../api';
import type { Lang } from './messages';

export type TaskTypeDef = Schemas['TaskType'];
export type TaskTypeParam = Schemas['TaskTypeParam'];
export type TaskTypeInput = Schemas['TaskTypeInput'];
export type CreateTasksBody = Schemas['CreateTasks'];

/** The most photos one batch takes (the server's `inputKeys` limit). */
export const MAX_BATCH = 50;
/** The server's default length limit of a `text` parameter. */
export const DEFAULT_TEXT_MAX = 200;

/** A `{ zh, en }` text in the current language (English falls back to Chinese when empty). */
export function localized(text: { zh: string; en: string }, lang: Lang): string {
  return (lang === 'en' ? text.en || text.zh : text.zh || text.en).trim();
}

/**
 * Types the create form offers: those whose inputs are all uploads. A type that starts from an
 * own finished task (a `task` slot, e.g. a video album) is offered on that task instead.
 */
export function offeredTypes(types: readonly TaskTypeDef[]): TaskTypeDef[] {
  return types.filter((t) => t.inputs.length > 0 && t.inputs.every((i) => i.kind === 'image'));
}

export interface SlotRole {
  slot: TaskTypeInput;
  /** The batch slot: one task per photo (up to 50). Otherwise exactly one photo for every task. */
  batch: boolean;
  max: number;
}

/** The upload areas of a type, in order: the first is the batch slot, the others are shared. */
export function slotRoles(type: TaskTypeDef): SlotRole[] {
  return type.inputs.map((slot, i) => ({ slot, batch: i === 0, max: i === 0 ? MAX_BATCH : 1 }));
}

/**
 * The values the parameters start with: the merchant's last choice when still offered, else the
 * type's default, else (when required) the first option — the catalog's first scene/category,
 * which operators order by sort.
 */
export function initialParams(
  type: TaskTypeDef,
  catalog: SceneCatalog | null,
  remembered: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of type.params) {
    const options = optionValues(p, catalog);
    const kept = remembered[p.name];
    const allowed = (v: string | undefined): v is string =>
      v !== undefined && (options === null || options.includes(v));
    if (allowed(kept)) out[p.name] = kept;
    else if (allowed(p.default)) out[p.name] = p.default;
    else if (p.required && options?.length) out[p.name] = options[0];
    else out[p.name] = '';
  }
  return out;
}

/** The values a parameter may take, or null when any (short) text is fine. */
export function optionValues(p: TaskTypeParam, catalog: SceneCatalog | null): string[] | null {
  switch (p.kind) {
    case 'scene':
      return catalog ? catalog.scenes.map((s) => s.code) : [];
    case 'category':
      return catalog ? catalog.categories.map((c) => c.code) : [];
    case 'choice':
      return (p.options ?? []).map((o) => o.value);
    case 'text':
      return null;
  }
}

/** An output size in a choice value: `<name>_<W>x<H>` (basic_clean's presets, e.g. `pdd_750x1000`). */
const SIZED = /^[a-z][a-z0-9_]*_(\d{2,4})x(\d{2,4})$/;
/** A colour as a choice value: `#RRGGBB`. */
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** The width and height a `<name>_<W>x<H>` value names, or undefined. */
export function outputSize(value: string): { width: number; height: number } | undefined {
  const m = SIZED.exec(value);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/** How a choice is drawn: output sizes as frames of their aspect, colours as swatches, else chips. */
export function choiceLook(values: string[]): 'sizes' | 'colors' | 'chips' {
  if (values.length && values.every((v) => SIZED.test(v))) return 'sizes';
  if (values.length && values.every((v) => COLOR.test(v))) return 'colors';
  return 'chips';
}

/**
 * Parameters that do not apply to the current choice: a colour choice (a background) says
 * nothing for a `transparent…` output size, so the form does not offer it then.
 */
export function inapplicableParams(params: TaskTypeParam[], values: Record<string, unknown>): Set<string> {
  const look = (p: TaskTypeParam) =>
    p.kind === 'choice' ? choiceLook((p.options ?? []).map((o) => o.value)) : 'chips';
  const transparent = params.some((p) => {
    const value = values[p.name];
    return look(p) === 'sizes' && typeof value === 'string' && value.startsWith('transparent');
  });
  return new Set(transparent ? params.filter((p) => look(p) === 'colors').map((p) => p.name) : []);
}

export type ParamProblem = 'required' | 'tooLong' | 'invalid';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with one parameter value (the server checks the same), or null. */
export function paramProblem(
  p: TaskTypeParam,
  raw: string | undefined,
  catalog: SceneCatalog | null,
): ParamProblem | null {
  const value = p.kind === 'text' ? (raw ?? '').trim() : (raw ?? '');
  if (!value) return p.required && p.default === undefined ? 'required' : null;
  if (p.kind === 'text') {
    if ([...value].length > (p.maxLength ?? DEFAULT_TEXT_MAX)) return 'tooLong';
    return CONTROL.test(value) ? 'invalid' : null;
  }
  const options = optionValues(p, catalog);
  return options && !options.includes(value) ? 'invalid' : null;
}

export interface FormPlan {
  /** Tasks the batch would create (photos in the batch slot, once every shared slot has its photo). */
  tasks: number;
  /** Credits: the type's price × tasks. */
  cost: number;
  /** Parameter name → problem, for the ones that stop the batch. */
  problems: Record<string, ParamProblem>;
  /** Shared slots still without a photo. */
  missingSlots: string[];
  /** The request body, once everything is there. */
  body: CreateTasksBody | null;
}

/**
 * Everything the form shows and sends. `uploaded` holds the finished upload keys per slot
 * position (the first is the batch slot).
 */
export function planForm(
  type: TaskTypeDef,
  uploaded: readonly (readonly string[])[],
  params: Record<string, string>,
  catalog: SceneCatalog | null,
): FormPlan {
  const roles = slotRoles(type);
  const batchKeys = (uploaded[0] ?? []).slice(0, MAX_BATCH);
  const missingSlots = roles.filter((r, i) => !r.batch && !(uploaded[i] ?? []).length).map((r) => r.slot.name);
  const problems: Record<string, ParamProblem> = {};
  const sent: Record<string, string> = {};
  // A parameter the form does not offer (a background for a transparent output) takes the default.
  const hidden = inapplicableParams(type.params, params);
  for (const p of type.params) {
    if (hidden.has(p.name)) continue;
    const problem = paramProblem(p, params[p.name], catalog);
    if (problem) problems[p.name] = problem;
    const value = p.kind === 'text' ? (params[p.name] ?? '').trim() : (params[p.name] ?? '');
    if (value) sent[p.name] = value; // an empty optional one takes the server's default
  }
  const tasks = missingSlots.length ? 0 : batchKeys.length;
  const ok = tasks > 0 && Object.keys(problems).length === 0;
  const shared = Object.fromEntries(roles.slice(1).map((r, i) => [r.slot.name, (uploaded[i + 1] ?? [])[0]]));
  const body: CreateTasksBody | null = ok
    ? {
        type: type.key,
        inputKeys: [...batchKeys],
        ...(roles.length > 1 ? { inputs: shared } : {}),
        params: sent,
      }
    : null;
  return { tasks, cost: tasks * type.credits, problems, missingSlots, body };
}
