import { useState, type ReactNode } from 'react';
import type { AdminTaskType, TaskTypeInput } from '../api';
import { useI18n } from '../lib/i18n';
import type { MessageKey } from '../lib/messages';
import { errorsAt, fieldErrors, type FieldError } from '../lib/product-errors';
import { useSession } from '../lib/session';
import { FormActions } from '../components/FormActions';

type Input = TaskTypeInput['inputs'][number];
type Param = NonNullable<TaskTypeInput['params']>[number];
type ParamKind = Param['kind'];

/** A parameter as the form holds it: numbers and options as typed. */
interface ParamDraft {
  name: string;
  kind: ParamKind;
  labelZh: string;
  labelEn: string;
  required: boolean;
  defaultValue: string;
  maxLength: string;
  /** `choice` only: one option a line, `value | 中文 | English`. */
  options: string;
}

interface InputDraft {
  name: string;
  kind: Input['kind'];
  labelZh: string;
  labelEn: string;
  minResults: string;
}

const PARAM_KINDS: ParamKind[] = ['scene', 'category', 'choice', 'text'];

/** A number field as typed: the number, or the text itself so the server names the field. */
function num(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}

function optionsText(p: Param): string {
  return (p.options ?? []).map((o) => `${o.value} | ${o.label.zh} | ${o.label.en}`).join('\n');
}

function parseOptions(text: string): NonNullable<Param['options']> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [value = '', zh = '', en = ''] = line.split('|').map((part) => part.trim());
      return { value, label: { zh, en } };
    });
}

function toParam(d: ParamDraft): Param {
  const p: Param = { name: d.name.trim(), kind: d.kind, label: { zh: d.labelZh, en: d.labelEn }, required: d.required };
  if (d.kind === 'choice') p.options = parseOptions(d.options);
  if (d.kind === 'text' && d.maxLength.trim()) p.maxLength = num(d.maxLength);
  if (d.defaultValue.trim()) p.default = d.defaultValue.trim();
  return p;
}

function toInput(d: InputDraft): Input {
  const slot: Input = { name: d.name.trim(), kind: d.kind, label: { zh: d.labelZh, en: d.labelEn } };
  if (d.kind === 'task' && d.minResults.trim()) slot.minResults = num(d.minResults);
  return slot;
}

/** The refused-field texts under a field (`role=alert`, found by the field's path). */
function FieldErrors({ texts, path }: { texts: string[]; path: string }) {
  if (!texts.length) return null;
  return (
    <em className="error small field-error" role="alert" data-testid="field-error" data-path={path}>
      {texts.join('; ')}
    </em>
  );
}

/**
 * Create or edit a product (task type): every field of its definition. The server validates;
 * each refused field shows its rule in the console's language beside it (lib/product-errors).
 */
export function ProductForm({
  product,
  nextSort,
  onDone,
  onCancel,
}: {
  product: AdminTaskType | null;
  nextSort: number;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const [key, setKey] = useState(product?.key ?? '');
  const [nameZh, setNameZh] = useState(product?.name.zh ?? '');
  const [nameEn, setNameEn] = useState(product?.name.en ?? '');
  const [descZh, setDescZh] = useState(product?.description.zh ?? '');
  const [descEn, setDescEn] = useState(product?.description.en ?? '');
  const [sampleImageUrl, setSampleImageUrl] = useState(product?.sampleImageUrl ?? '');
  const [webhookPath, setWebhookPath] = useState(product?.webhookPath ?? '');
  const [credits, setCredits] = useState(String(product?.credits ?? 1));
  const [deadline, setDeadline] = useState(String(product?.deadlineSeconds ?? 300));
  const [outputs, setOutputs] = useState(String(product?.outputs ?? 1));
  const [sort, setSort] = useState(String(product?.sort ?? nextSort));
  const [cacheable, setCacheable] = useState(product?.cacheable ?? false);
  const [enabled, setEnabled] = useState(product?.enabled ?? false);
  const [promptTemplate, setPromptTemplate] = useState(product?.promptTemplate ?? '');
  const [inputs, setInputs] = useState<InputDraft[]>(
    (product?.inputs ?? [{ name: 'garment', kind: 'image', label: { zh: '服装图', en: 'Garment photo' } }]).map(
      (i) => ({
        name: i.name,
        kind: i.kind,
        labelZh: i.label.zh,
        labelEn: i.label.en,
        minResults: i.minResults ? String(i.minResults) : '',
      }),
    ),
  );
  const [params, setParams] = useState<ParamDraft[]>(
    (product?.params ?? []).map((p) => ({
      name: p.name,
      kind: p.kind,
      labelZh: p.label.zh,
      labelEn: p.label.en,
      required: p.required ?? true,
      defaultValue: p.default ?? '',
      maxLength: p.maxLength ? String(p.maxLength) : '',
      options: optionsText(p),
    })),
  );
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors([]);
    setFailure(null);
    const definition = {
      name: { zh: nameZh, en: nameEn },
      description: { zh: descZh, en: descEn },
      sampleImageUrl: sampleImageUrl.trim() || null,
      webhookPath: webhookPath.trim(),
      credits: num(credits),
      deadlineSeconds: num(deadline),
      inputs: inputs.map(toInput),
      params: params.map(toParam),
      outputs: num(outputs),
      cacheable,
      enabled,
      sort: num(sort),
      promptTemplate: promptTemplate.trim() || null,
    };
    try {
      if (product) await api.updateProduct(product.key, definition);
      else await api.createProduct({ ...definition, key: key.trim() });
      onDone();
    } catch (err) {
      const fields = fieldErrors(err, t);
      setErrors(fields);
      setFailure(fields.length ? t('product.fixFields') : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const at = (path: string, deep = false) => <FieldErrors texts={errorsAt(errors, path, deep)} path={path} />;
  const field = (label: MessageKey, path: string, control: ReactNode, wide = false) => (
    <label className={`field${wide ? ' grow' : ''}`}>
      <span>{t(label)}</span>
      {control}
      {at(path, path === 'name' || path === 'description')}
    </label>
  );
  const setInput = (i: number, change: Partial<InputDraft>) =>
    setInputs((all) => all.map((d, j) => (j === i ? { ...d, ...change } : d)));
  const setParam = (i: number, change: Partial<ParamDraft>) =>
    setParams((all) => all.map((d, j) => (j === i ? { ...d, ...change } : d)));

  return (
    <form className="card stack" onSubmit={submit} noValidate data-testid="product-form">
      <h2>{product ? t('product.editTitle', { key: product.key }) : t('product.newTitle')}</h2>
      <div className="row wrap">
        {field(
          'product.key',
          'key',
          <input name="key" value={key} onChange={(e) => setKey(e.target.value)} disabled={!!product} />,
        )}
        {field(
          'product.webhookPath',
          'webhookPath',
          <input name="webhookPath" value={webhookPath} onChange={(e) => setWebhookPath(e.target.value)} />,
        )}
      </div>
      <div className="row wrap">
        {field(
          'product.nameZh',
          'name.zh',
          <input name="nameZh" value={nameZh} onChange={(e) => setNameZh(e.target.value)} />,
        )}
        {field(
          'product.nameEn',
          'name.en',
          <input name="nameEn" value={nameEn} onChange={(e) => setNameEn(e.target.value)} />,
        )}
      </div>
      <div className="row wrap">
        {field(
          'product.descriptionZh',
          'description.zh',
          <textarea name="descriptionZh" rows={2} value={descZh} onChange={(e) => setDescZh(e.target.value)} />,
          true,
        )}
        {field(
          'product.descriptionEn',
          'description.en',
          <textarea name="descriptionEn" rows={2} value={descEn} onChange={(e) => setDescEn(e.target.value)} />,
          true,
        )}
      </div>
      {field(
        'product.sampleImageUrl',
        'sampleImageUrl',
        <input name="sampleImageUrl" value={sampleImageUrl} onChange={(e) => setSampleImageUrl(e.target.value)} />,
      )}
      <div className="row wrap">
        {field(
          'product.credits',
          'credits',
          <input name="credits" type="number" value={credits} onChange={(e) => setCredits(e.target.value)} />,
        )}
        {field(
          'product.deadline',
          'deadlineSeconds',
          <input name="deadlineSeconds" type="number" value={deadline} onChange={(e) => setDeadline(e.target.value)} />,
        )}
        {field(
          'product.outputs',
          'outputs',
          <input name="outputs" type="number" value={outputs} onChange={(e) => setOutputs(e.target.value)} />,
        )}
        {field(
          'product.sort',
          'sort',
          <input name="sort" type="number" value={sort} onChange={(e) => setSort(e.target.value)} />,
        )}
      </div>
      <div className="row wrap">
        <label className="row small">
          <input
            type="checkbox"
            name="cacheable"
            checked={cacheable}
            onChange={(e) => setCacheable(e.target.checked)}
          />{' '}
          {t('product.cacheable')}
        </label>
        <label className="row small">
          <input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />{' '}
          {t('product.enabled')}
        </label>
      </div>

      <fieldset className="stack tight" data-testid="product-inputs">
        <legend>{t('product.inputs')}</legend>
        {at('inputs')}
        {inputs.map((d, i) => (
          <div className="row wrap" key={i} data-testid="input-slot">
            {field(
              'product.fieldName',
              `inputs.${i}.name`,
              <input
                name={`inputs.${i}.name`}
                value={d.name}
                onChange={(e) => setInput(i, { name: e.target.value })}
              />,
            )}
            {field(
              'product.kind',
              `inputs.${i}.kind`,
              <select
                name={`inputs.${i}.kind`}
                value={d.kind}
                onChange={(e) => setInput(i, { kind: e.target.value as Input['kind'] })}
              >
                <option value="image">{t('product.inputKind.image')}</option>
                <option value="task">{t('product.inputKind.task')}</option>
              </select>,
            )}
            {field(
              'product.labelZh',
              `inputs.${i}.label.zh`,
              <input
                name={`inputs.${i}.labelZh`}
                value={d.labelZh}
                onChange={(e) => setInput(i, { labelZh: e.target.value })}
              />,
            )}
            {field(
              'product.labelEn',
              `inputs.${i}.label.en`,
              <input
                name={`inputs.${i}.labelEn`}
                value={d.labelEn}
                onChange={(e) => setInput(i, { labelEn: e.target.value })}
              />,
            )}
            {d.kind === 'task' &&
              field(
                'product.minResults',
                `inputs.${i}.minResults`,
                <input
                  name={`inputs.${i}.minResults`}
                  type="number"
                  value={d.minResults}
                  onChange={(e) => setInput(i, { minResults: e.target.value })}
                />,
              )}
            <button
              type="button"
              className="link danger"
              onClick={() => setInputs((all) => all.filter((_, j) => j !== i))}
            >
              {t('product.remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          data-testid="add-input"
          onClick={() =>
            setInputs((all) => [...all, { name: '', kind: 'image', labelZh: '', labelEn: '', minResults: '' }])
          }
        >
          {t('product.addInput')}
        </button>
      </fieldset>

      <fieldset className="stack tight" data-testid="product-params">
        <legend>{t('product.params')}</legend>
        {at('params')}
        {params.map((d, i) => (
          <div className="stack tight" key={i} data-testid="param">
            <div className="row wrap">
              {field(
                'product.fieldName',
                `params.${i}.name`,
                <input
                  name={`params.${i}.name`}
                  value={d.name}
                  onChange={(e) => setParam(i, { name: e.target.value })}
                />,
              )}
              {field(
                'product.kind',
                `params.${i}.kind`,
                <select
                  name={`params.${i}.kind`}
                  value={d.kind}
                  onChange={(e) => setParam(i, { kind: e.target.value as ParamKind })}
                >
                  {PARAM_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`product.paramKind.${k}`)}
                    </option>
                  ))}
                </select>,
              )}
              {field(
                'product.labelZh',
                `params.${i}.label.zh`,
                <input
                  name={`params.${i}.labelZh`}
                  value={d.labelZh}
                  onChange={(e) => setParam(i, { labelZh: e.target.value })}
                />,
              )}
              {field(
                'product.labelEn',
                `params.${i}.label.en`,
                <input
                  name={`params.${i}.labelEn`}
                  value={d.labelEn}
                  onChange={(e) => setParam(i, { labelEn: e.target.value })}
                />,
              )}
              {field(
                'product.default',
                `params.${i}.default`,
                <input
                  name={`params.${i}.default`}
                  value={d.defaultValue}
                  onChange={(e) => setParam(i, { defaultValue: e.target.value })}
                />,
              )}
              {d.kind === 'text' &&
                field(
                  'product.maxLength',
                  `params.${i}.maxLength`,
                  <input
                    name={`params.${i}.maxLength`}
                    type="number"
                    value={d.maxLength}
                    onChange={(e) => setParam(i, { maxLength: e.target.value })}
                  />,
                )}
              <label className="row small">
                <input
                  type="checkbox"
                  checked={d.required}
                  onChange={(e) => setParam(i, { required: e.target.checked })}
                />{' '}
                {t('product.required')}
              </label>
              <button
                type="button"
                className="link danger"
                onClick={() => setParams((all) => all.filter((_, j) => j !== i))}
              >
                {t('product.remove')}
              </button>
            </div>
            {d.kind === 'choice' &&
              field(
                'product.options',
                `params.${i}.options`,
                <textarea
                  name={`params.${i}.options`}
                  rows={3}
                  value={d.options}
                  onChange={(e) => setParam(i, { options: e.target.value })}
                />,
                true,
              )}
            {at(`params.${i}`)}
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          data-testid="add-param"
          onClick={() =>
            setParams((all) => [
              ...all,
              {
                name: '',
                kind: 'choice',
                labelZh: '',
                labelEn: '',
                required: true,
                defaultValue: '',
                maxLength: '',
                options: '',
              },
            ])
          }
        >
          {t('product.addParam')}
        </button>
      </fieldset>

      {field(
        'product.promptTemplate',
        'promptTemplate',
        <textarea
          name="promptTemplate"
          rows={3}
          value={promptTemplate}
          onChange={(e) => setPromptTemplate(e.target.value)}
        />,
        true,
      )}
      <FormActions error={failure} errorTestId="form-error" busy={busy} onCancel={onCancel} />
    </form>
  );
}
