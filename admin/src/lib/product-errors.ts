import { ApiError } from '../api';
import type { Translate } from './i18n';
import type { MessageKey } from './messages';

/** One refused field as the server names it (`inputs.0.name`) with the rule in the console's words. */
export interface FieldError {
  path: string;
  text: string;
}

/**
 * The rule behind each field of a task-type definition, by its path with list positions as `*`
 * (the server answers `inputs.1.label.zh: String must contain…` in English; the console says
 * the rule in its own language, next to the field).
 */
const RULES: Array<[RegExp, MessageKey]> = [
  [/^key$/, 'product.rule.key'],
  [/^(name|inputs\.\*\.label|params\.\*\.label|params\.\*\.options\.\*\.label)\.(zh|en)$/, 'product.rule.text'],
  [/^description\.(zh|en)$/, 'product.rule.description'],
  [/^sampleImageUrl$/, 'product.rule.sampleImageUrl'],
  [/^webhookPath$/, 'product.rule.webhookPath'],
  [/^credits$/, 'product.rule.credits'],
  [/^deadlineSeconds$/, 'product.rule.deadline'],
  [/^outputs$/, 'product.rule.outputs'],
  [/^sort$/, 'product.rule.sort'],
  [/^inputs$/, 'product.rule.inputs'],
  [/^(inputs|params)\.\*\.name$/, 'product.rule.name'],
  [/^inputs\.\*\.minResults$/, 'product.rule.minResults'],
  [/^params$/, 'product.rule.params'],
  [/^params\.\*$/, 'product.rule.choiceOptions'],
  [/^params\.\*\.options(\.\*\.value)?$/, 'product.rule.options'],
  [/^params\.\*\.maxLength$/, 'product.rule.maxLength'],
  [/^params\.\*\.default$/, 'product.rule.default'],
  [/^promptTemplate$/, 'product.rule.promptTemplate'],
];

export function ruleFor(path: string, t: Translate): string {
  const shape = path.replace(/\.\d+(?=\.|$)/g, '.*');
  const rule = RULES.find(([re]) => re.test(shape));
  return t(rule ? rule[1] : 'product.rule.other');
}

/**
 * The fields a refused save names, each with its rule in the console's language: every detail of
 * a 400 VALIDATION_FAILED, or the key for 409 TASK_TYPE_TAKEN. Empty for other failures.
 */
export function fieldErrors(err: unknown, t: Translate): FieldError[] {
  if (!(err instanceof ApiError)) return [];
  if (err.code === 'TASK_TYPE_TAKEN') return [{ path: 'key', text: t('error.TASK_TYPE_TAKEN') }];
  if (err.code !== 'VALIDATION_FAILED') return [];
  const details = Array.isArray(err.details) ? (err.details as Array<{ path?: unknown }>) : [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const d of details) {
    const path = typeof d.path === 'string' ? d.path : '';
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, text: ruleFor(path, t) });
  }
  return out;
}

/** The errors shown at `path`: its own, and (with `deep`) those of anything below it. */
export function errorsAt(errors: FieldError[], path: string, deep = false): string[] {
  return errors
    .filter((e) => e.path === path || (deep && e.path.startsWith(`${path}.`)))
    .map((e) => e.text)
    .filter((text, i, all) => all.indexOf(text) === i);
}
