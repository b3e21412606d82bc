import { z } from 'zod';
import '../../openapi/registry';

/**
 * What a task type is, as data (the `task_types` table): the shapes an admin writes and the
 * public view the portal builds its create form from. Everything a product needs besides its
 * n8n workflow lives in one such definition.
 */

const Text = z.object({ zh: z.string().trim().min(1).max(64), en: z.string().trim().min(1).max(64) });
const LongText = z.object({ zh: z.string().trim().max(512), en: z.string().trim().max(512) });
const NAME = /^[a-z][a-zA-Z0-9_]{0,31}$/;

/** One input slot: an owned upload (`image`) or the results of an own finished task (`task`). */
export const InputSlotSchema = z
  .object({
    name: z.string().regex(NAME, 'a letter, then letters, digits or _ (≤ 32)'),
    kind: z.enum(['image', 'task']),
    label: Text,
    /** For `task` slots: the source task must have at least this many results. */
    minResults: z.number().int().min(1).max(50).optional(),
  })
  .openapi('TaskTypeInput');

const Choice = z.object({ value: z.string().trim().min(1).max(64), label: Text });

/** One parameter, of a small set of kinds, each with its own validation. */
export const ParamSchema = z
  .object({
    name: z
      .string()
      .regex(NAME, 'a letter, then letters, digits or _ (≤ 32)')
      .refine((n) => n !== 'seed', '"seed" is reserved'),
    kind: z.enum(['scene', 'category', 'choice', 'text']),
    label: Text,
    required: z.boolean().default(true),
    /** `choice` only: the allowed values. */
    options: z.array(Choice).min(1).max(20).optional(),
    /** `text` only: the longest accepted value (default 200). */
    maxLength: z.number().int().min(1).max(500).optional(),
    /** Used when an optional parameter is not given. */
    default: z.string().max(500).optional(),
  })
  .refine((p) => (p.kind === 'choice') === (p.options !== undefined), {
    message: '`options` is required for choice parameters and only allowed there',
  })
  .openapi('TaskTypeParam');

export type InputSlot = z.infer<typeof InputSlotSchema>;
export type ParamDefinition = z.infer<typeof ParamSchema>;

const PROMPT_PLACEHOLDER = /\{(\w+)\}/g;

/** The fields an admin sets, without defaults (an update changes only what it names). */
const DefinitionFields = z.object({
  name: Text,
  description: LongText,
  sampleImageUrl: z
    .string()
    .max(512)
    .regex(/^(https?:\/\/|\/)/, 'an http(s) URL or a path on this site')
    .nullable(),
  webhookPath: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,127}$/, 'the path of the workflow trigger: lowercase letters, digits, - and _'),
  credits: z.number().int().min(1).max(1000),
  deadlineSeconds: z.number().int().min(5).max(7200),
  inputs: z.array(InputSlotSchema).min(1).max(4),
  params: z.array(ParamSchema).max(10),
  outputs: z.number().int().min(1).max(50),
  cacheable: z.boolean(),
  enabled: z.boolean(),
  sort: z.number().int().min(0).max(10_000),
  /** Server-side prompt: `{scene}`/`{category}` become the catalog's fragments; never shown to merchants. */
  promptTemplate: z.string().trim().min(1).max(2000).nullable(),
});

type Fields = z.infer<typeof DefinitionFields>;

/** Cross-field rules shared by create and update (names unique, placeholders backed by a parameter). */
function checkDefinition(def: Partial<Fields>, ctx: z.RefinementCtx): void {
  const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
  if (def.inputs && dupes(def.inputs.map((i) => i.name)).length)
    ctx.addIssue({ code: 'custom', path: ['inputs'], message: 'input names must be unique' });
  if (def.params && dupes(def.params.map((p) => p.name)).length)
    ctx.addIssue({ code: 'custom', path: ['params'], message: 'parameter names must be unique' });
  if (def.promptTemplate && def.params) {
    const kinds = new Set(def.params.map((p) => p.kind));
    for (const [, word] of def.promptTemplate.matchAll(PROMPT_PLACEHOLDER)) {
      if (!['scene', 'category'].includes(word) || !kinds.has(word as 'scene'))
        ctx.addIssue({
          code: 'custom',
          path: ['promptTemplate'],
          message: `{${word}} needs a parameter of kind ${word} (only {scene} and {category} exist)`,
        });
    }
  }
}

export const CreateTaskTypeSchema = DefinitionFields.extend({
  description: LongText.default({ zh: '', en: '' }),
  sampleImageUrl: DefinitionFields.shape.sampleImageUrl.default(null),
  params: DefinitionFields.shape.params.default([]),
  cacheable: z.boolean().default(false),
  enabled: z.boolean().default(true),
  sort: DefinitionFields.shape.sort.default(0),
  promptTemplate: DefinitionFields.shape.promptTemplate.default(null),
  key: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'lowercase letters, digits and _ (2–32), starting with a letter'),
})
  .superRefine(checkDefinition)
  .openapi('CreateTaskType');

export const UpdateTaskTypeSchema = DefinitionFields.partial().superRefine(checkDefinition).openapi('UpdateTaskType');

export type CreateTaskTypeInput = z.infer<typeof CreateTaskTypeSchema>;
export type UpdateTaskTypeInput = z.infer<typeof UpdateTaskTypeSchema>;

/** A full stored definition, as frozen into each task at creation (`tasks.type_def`). */
export type TaskTypeDefinition = CreateTaskTypeInput;

/** What merchants (and their automation) see: no workflow path, deadline or prompt. */
export const PublicTaskTypeSchema = z
  .object({
    key: z.string(),
    name: Text,
    description: LongText,
    sampleImageUrl: z.string().nullable(),
    credits: z.number().int(),
    outputs: z.number().int(),
    cacheable: z.boolean(),
    inputs: z.array(InputSlotSchema),
    params: z.array(ParamSchema),
  })
  .openapi('TaskType');

export const AdminTaskTypeSchema = PublicTaskTypeSchema.extend({
  webhookPath: z.string(),
  deadlineSeconds: z.number().int(),
  enabled: z.boolean(),
  sort: z.number().int(),
  promptTemplate: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi('AdminTaskType');

export type PublicTaskType = z.infer<typeof PublicTaskTypeSchema>;
export type AdminTaskType = z.infer<typeof AdminTaskTypeSchema>;

export function toPublicTaskType(def: TaskTypeDefinition): PublicTaskType {
  return {
    key: def.key,
    name: def.name,
    description: def.description,
    sampleImageUrl: def.sampleImageUrl,
    credits: def.credits,
    outputs: def.outputs,
    cacheable: def.cacheable,
    inputs: def.inputs,
    params: def.params,
  };
}

/**
 * Freezes a definition and everything in it. A definition shared between requests (the one a
 * create freezes into its tasks, the one a stored task was made with) is frozen so that no
 * reader can change it for the others.
 */
export function freezeDefinition<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) freezeDefinition(child);
    Object.freeze(value);
  }
  return value;
}
