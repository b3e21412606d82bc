import type {
  ILoadOptionsFunctions,
  INodePropertyOptions,
  ResourceMapperField,
  ResourceMapperFields,
} from 'n8n-workflow';

import { accountRequest } from '../../transport/account-api';

/** A task type as `GET /api/v1/task-types` describes it (only what the node reads). */
export interface TaskTypeInfo {
  key: string;
  name: { zh: string; en: string };
  description?: { zh: string; en: string };
  credits: number;
  outputs: number;
  inputs: Array<{ name: string; kind: 'image' | 'task'; label: { zh: string; en: string } }>;
  params: Array<{
    name: string;
    kind: 'scene' | 'category' | 'choice' | 'text';
    label: { zh: string; en: string };
    required?: boolean;
    options?: Array<{ value: string; label: { zh: string; en: string } }>;
    default?: string;
  }>;
}

interface SceneCatalog {
  scenes: Array<{ code: string; name: string }>;
  categories: Array<{ code: string; name: string }>;
}

/** Fields for input slots after the first are named `input:<slot>` (a colon no parameter name has). */
export const INPUT_FIELD_PREFIX = 'input:';

export async function taskTypes(ctx: ILoadOptionsFunctions): Promise<TaskTypeInfo[]> {
  return (await accountRequest<{ items: TaskTypeInfo[] }>(ctx, { method: 'GET', path: '/api/v1/task-types' })).items;
}

/** The type list for the Type dropdown: what the account's AI Photo offers now. */
export async function getTaskTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
  // n8n's editor speaks English; the Chinese name rides along in the description.
  return (await taskTypes(this)).map((t) => ({
    name: t.name.en,
    value: t.key,
    description: `${t.name.zh} · ${t.key}: ${t.outputs} image(s), ${t.credits} credit(s) per photo`,
  }));
}

const choices = (items: Array<{ code: string; name: string }>) => items.map((i) => ({ name: i.name, value: i.code }));

/**
 * The chosen type's parameters as resource-mapper fields: scenes and categories from the
 * catalog, choices from the type, text as text; plus one field per extra image slot (e.g. the
 * model photo of a try-on), which takes an upload key, a task ID or an image URL.
 */
export async function getTypeFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
  const key = String(this.getCurrentNodeParameter('type') ?? '');
  const type = (await taskTypes(this)).find((t) => t.key === key);
  if (!type)
    return { fields: [], emptyFieldsNotice: key ? `AI Photo has no task type "${key}"` : 'Choose a type first' };
  const needsCatalog = type.params.some((p) => p.kind === 'scene' || p.kind === 'category');
  const catalog = needsCatalog
    ? await accountRequest<SceneCatalog>(this, { method: 'GET', path: '/api/v1/scenes' })
    : { scenes: [], categories: [] };
  const fields: ResourceMapperField[] = type.params.map((p) => {
    const options =
      p.kind === 'scene'
        ? choices(catalog.scenes)
        : p.kind === 'category'
          ? choices(catalog.categories)
          : p.kind === 'choice'
            ? (p.options ?? []).map((o) => ({ name: o.label.en, value: o.value }))
            : undefined;
    return {
      id: p.name,
      displayName: p.label.en,
      required: p.required !== false,
      defaultMatch: false,
      display: true,
      type: options ? 'options' : 'string',
      ...(options ? { options } : {}),
      ...(p.default !== undefined ? { defaultValue: p.default } : {}),
    };
  });
  for (const slot of type.inputs.slice(1)) {
    fields.push({
      id: `${INPUT_FIELD_PREFIX}${slot.name}`,
      displayName: `${slot.label.en} (${slot.kind === 'task' ? 'task ID' : 'image URL or upload key'})`,
      required: true,
      defaultMatch: false,
      display: true,
      type: 'string',
    });
  }
  return { fields, emptyFieldsNotice: 'This type takes no parameters' };
}
