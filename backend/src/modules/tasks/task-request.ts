import { ValidationError } from '../../errors/app-error';
import {
  freezeDefinition,
  type InputSlot,
  type ParamDefinition,
  type TaskTypeDefinition,
} from '../task-types/task-type.schema';
import type { ScenePort } from './task-ports';

/** One input slot of a task as stored in `tasks.inputs`: an upload, or a finished task's results. */
export type StoredInput = { key: string } | { taskId: string; keys: string[] };

/** A slot value after its owner and content were checked, with what the result cache hashes. */
export interface ResolvedInput {
  stored: StoredInput;
  fingerprint: string;
  /** The upload's original file name (a source task's input name for `task` slots), null when unknown. */
  name?: string | null;
}

/** How the request names its inputs: `inputKeys` batch over the first slot, `inputs` names every slot. */
export interface InputRequest {
  inputKeys?: string[];
  inputs?: Record<string, string>;
}

// Control characters have no place in a short text a workflow may put into a prompt or a file name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function fail(path: string, message: string): never {
  throw new ValidationError(`${path}: ${message}`, { [path]: message });
}

/** One value per declared parameter (defaults applied), validated by kind; unknown names refused. */
export async function resolveParams(
  def: TaskTypeDefinition,
  raw: Record<string, unknown>,
  scenes: Pick<ScenePort, 'assertValid'>,
): Promise<Record<string, string>> {
  const declared = new Map(def.params.map((p) => [p.name, p]));
  for (const name of Object.keys(raw)) if (!declared.has(name)) fail(`params.${name}`, `not a parameter of ${def.key}`);
  const out: Record<string, string> = {};
  for (const p of def.params) {
    const value = raw[p.name] ?? p.default;
    if (value === undefined || value === '') {
      if (p.required) fail(`params.${p.name}`, 'required');
      continue;
    }
    out[p.name] = checkValue(p, value);
  }
  const of = (kind: 'scene' | 'category') => def.params.find((p) => p.kind === kind && out[p.name] !== undefined);
  const scene = of('scene');
  const category = of('category');
  if (scene || category) await scenes.assertValid(scene && out[scene.name], category && out[category.name]);
  return out;
}

function checkValue(p: ParamDefinition, value: unknown): string {
  const path = `params.${p.name}`;
  if (typeof value !== 'string') fail(path, 'must be a string');
  switch (p.kind) {
    case 'scene':
    case 'category':
      if (value.length > 64) fail(path, 'at most 64 characters');
      return value;
    case 'choice':
      if (!p.options!.some((o) => o.value === value))
        fail(path, `must be one of ${p.options!.map((o) => o.value).join(', ')}`);
      return value;
    case 'text': {
      const text = value.trim();
      const max = p.maxLength ?? 200;
      if (!text) fail(path, 'required');
      if ([...text].length > max) fail(path, `at most ${max} characters`);
      if (CONTROL.test(text)) fail(path, 'no control characters');
      return text;
    }
  }
}

/** The scene/category selection of resolved params, for the prompt. */
export function selectionOf(
  def: TaskTypeDefinition,
  params: Record<string, unknown>,
): { scene?: string; category?: string } {
  const of = (kind: 'scene' | 'category') => {
    const p = def.params.find((x) => x.kind === kind);
    return p && typeof params[p.name] === 'string' ? (params[p.name] as string) : undefined;
  };
  return { scene: of('scene'), category: of('category') };
}

/**
 * Every task's slot values of one create request: `inputKeys` (or `inputs[first slot]`) give one
 * task each; the other slots come from `inputs` and are shared by the whole batch (e.g. several
 * garments on one model photo). `resolve` checks ownership of each distinct value once.
 */
export async function planInputs(
  def: TaskTypeDefinition,
  request: InputRequest,
  resolve: (slot: InputSlot, value: string) => Promise<ResolvedInput>,
): Promise<Array<Record<string, ResolvedInput>>> {
  const given = request.inputs ?? {};
  const slots = new Map(def.inputs.map((s) => [s.name, s]));
  for (const name of Object.keys(given)) if (!slots.has(name)) fail(`inputs.${name}`, `not an input of ${def.key}`);
  const [first, ...rest] = def.inputs;
  if (request.inputKeys && given[first.name] !== undefined)
    fail(`inputs.${first.name}`, 'give it in inputKeys or in inputs, not both');
  const firsts = request.inputKeys ?? (given[first.name] !== undefined ? [given[first.name]] : []);
  if (!firsts.length) fail(`inputs.${first.name}`, 'required');
  const shared: Record<string, ResolvedInput> = {};
  for (const slot of rest) {
    if (given[slot.name] === undefined) fail(`inputs.${slot.name}`, 'required');
    shared[slot.name] = await resolve(slot, given[slot.name]);
  }
  const planned = [];
  for (const value of firsts) planned.push({ [first.name]: await resolve(first, value), ...shared });
  return planned;
}

/** What the result cache hashes: the one input's hash, or every slot's `name=hash` in order. */
export function fingerprintOf(def: TaskTypeDefinition, inputs: Record<string, ResolvedInput>): string {
  if (def.inputs.length === 1) return inputs[def.inputs[0].name].fingerprint;
  return def.inputs.map((s) => `${s.name}=${inputs[s.name].fingerprint}`).join('\n');
}

/** The key shown as the task's input (thumbnails, before/after): the first slot's first object. */
export function primaryKeyOf(def: TaskTypeDefinition, inputs: Record<string, StoredInput>): string {
  const first = inputs[def.inputs[0].name];
  return 'key' in first ? first.key : first.keys[0];
}

/**
 * Parsed definitions by version (the SHA-256 of their text, task-type-versions.ts), or by the
 * text itself for a task object that has no version yet: every task of a type shares one.
 */
const parsedDefinitions = new Map<string, TaskTypeDefinition>();

/**
 * The definition a task was created with (its `task_type_versions` row). Parsed once per
 * version and shared (deeply frozen, so no reader can change it for the others): a page of tasks
 * would otherwise parse the same definition twenty times.
 */
export function definitionOfTask(row: {
  id: string;
  typeDef: string | null;
  typeVersion?: string | null;
}): TaskTypeDefinition {
  if (!row.typeDef) throw new Error(`task ${row.id} has no frozen type definition`);
  const key = row.typeVersion ?? row.typeDef;
  let def = parsedDefinitions.get(key);
  if (!def) {
    def = freezeDefinition(JSON.parse(row.typeDef) as TaskTypeDefinition);
    // A handful of types exist; the bound only guards against a pathological number of edits.
    if (parsedDefinitions.size >= 500) parsedDefinitions.clear();
    parsedDefinitions.set(key, def);
  }
  return def;
}

/** Every slot of a task; rows written before `tasks.inputs` existed had one upload in `input_key`. */
export function inputsOfTask(
  row: { inputKey: string; inputs: string | null },
  def: TaskTypeDefinition,
): Record<string, StoredInput> {
  return row.inputs
    ? (JSON.parse(row.inputs) as Record<string, StoredInput>)
    : { [def.inputs[0].name]: { key: row.inputKey } };
}
