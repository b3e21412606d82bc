import { ApiError } from '../api';
import type { Translate } from '../lib/i18n';
import { translate, type Lang } from '../lib/messages';
import { errorsAt, fieldErrors, ruleFor } from '../lib/product-errors';

const tr =
  (lang: Lang): Translate =>
  (key, vars) =>
    translate(lang, key, vars);
const CJK = /[\u3400-\u9fff]/;

/** A 400 as the backend answers a refused task-type definition (zod issues → details). */
const refused = new ApiError(400, 'VALIDATION_FAILED', 'key: lowercase letters…', null, [
  { path: 'key', message: 'lowercase letters, digits and _ (2–32), starting with a letter' },
  { path: 'inputs.1.name', message: 'a letter, then letters, digits or _ (≤ 32)' },
  { path: 'params.0', message: '`options` is required for choice parameters and only allowed there' },
  { path: 'params.2.options.1.label.en', message: 'String must contain at least 1 character(s)' },
  { path: 'promptTemplate', message: '{moon} needs a parameter of kind moon' },
  { path: 'credits', message: 'Expected number, received null' },
]);

describe('refused product fields in the console’s language', () => {
  it.each(['zh', 'en'] as const)('%s: every refused field gets its rule, none the server’s English', (lang) => {
    const errors = fieldErrors(refused, tr(lang));
    expect(errors.map((e) => e.path)).toEqual([
      'key',
      'inputs.1.name',
      'params.0',
      'params.2.options.1.label.en',
      'promptTemplate',
      'credits',
    ]);
    for (const e of errors) {
      expect(e.text).not.toBe(ruleFor('somethingElse', tr(lang)));
      expect(CJK.test(e.text)).toBe(lang === 'zh');
      expect(e.text).not.toMatch(/String must|Expected number|needs a parameter/);
    }
    expect(errorsAt(errors, 'params.0')).toEqual([ruleFor('params.0', tr(lang))]);
    // A parent shows what is wrong below it only when asked (the name pair under "name").
    expect(errorsAt(errors, 'params.2')).toEqual([]);
    expect(errorsAt(errors, 'params.2', true)).toHaveLength(1);
  });

  it('words the rules it knows', () => {
    expect(ruleFor('key', tr('zh'))).toBe('编码须为 2–32 位小写字母、数字或 _，以字母开头');
    expect(ruleFor('webhookPath', tr('en'))).toBe(
      'Lowercase letters, digits, - and _ only (the path of the n8n trigger)',
    );
    expect(ruleFor('inputs.3.label.zh', tr('en'))).toBe('Required, at most 64 characters');
    expect(ruleFor('params.0.options', tr('en'))).toMatch(/^1 to 20 options/);
    expect(ruleFor('brandNew', tr('zh'))).toBe('这一项不符合要求');
  });

  it('puts a taken key on the key field, and leaves other failures to the form', () => {
    expect(fieldErrors(new ApiError(409, 'TASK_TYPE_TAKEN', 'taken'), tr('en'))).toEqual([
      { path: 'key', text: 'This key is already used' },
    ]);
    expect(fieldErrors(new ApiError(503, 'SERVICE_UNAVAILABLE', 'down'), tr('en'))).toEqual([]);
    expect(fieldErrors(new Error('x'), tr('en'))).toEqual([]);
  });
});
