import { entryName, useCatalog } from '../lib/catalog';
import { useI18n } from '../lib/i18n';
import {
  choiceLook,
  DEFAULT_TEXT_MAX,
  localized,
  outputSize,
  type ParamProblem,
  type TaskTypeParam,
} from '../lib/task-form';

/** A soft colour per code, so scenes without a thumbnail still look apart. */
function tint(code: string): string {
  let h = 0;
  for (const ch of code) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h} 55% 88%)`;
}

interface Option {
  value: string;
  label: string;
  thumbnailUrl?: string;
}

/** The frame of an output size, drawn at its aspect (the longer side fills the box). */
function SizeFrame({ value }: { value: string }) {
  const { width, height } = outputSize(value) ?? { width: 1, height: 1 };
  const scale = 100 / Math.max(width, height);
  return (
    <span className="size-box" aria-hidden="true">
      <span
        className={value.startsWith('transparent') ? 'size-frame transparent' : 'size-frame'}
        data-testid="size-frame"
        style={{ width: `${width * scale}%`, height: `${height * scale}%` }}
      />
    </span>
  );
}

/**
 * One parameter of a task type, drawn by its kind: scenes as picture cards (the catalog's
 * thumbnail, else its initial), categories and choices as chips, short text as an input with
 * its limit. A choice of output sizes (values `<name>_<W>x<H>`, basic_clean's presets) is drawn
 * as cards with a frame of each aspect (checkered for `transparent…`), a choice of `#RRGGBB`
 * colours as swatches. Names are in the current language; codes never show.
 */
export function ParamField({
  param,
  value,
  onChange,
  problem,
}: {
  param: TaskTypeParam;
  value: string;
  onChange: (value: string) => void;
  problem?: ParamProblem;
}) {
  const { t, lang } = useI18n();
  const { scenes } = useCatalog();
  const label = localized(param.label, lang);
  // A parameter with a default starts at it; one without may be left empty unless required.
  const optional = !param.required && param.default === undefined;
  const problemText =
    problem && t(`create.param.${problem}`, { name: label, max: param.maxLength ?? DEFAULT_TEXT_MAX });
  const problemLine = problemText && (
    <span className="error small" role="alert" data-testid="param-problem">
      {problemText}
    </span>
  );

  if (param.kind === 'text') {
    const max = param.maxLength ?? DEFAULT_TEXT_MAX;
    return (
      <label className="field" data-testid="param" data-param={param.name} data-kind="text">
        <span>
          {label} {optional && <span className="muted">{t('create.optional')}</span>}
        </span>
        <input
          name={param.name}
          value={value}
          maxLength={max}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        <span className="small muted">{t('create.textLeft', { n: [...value].length, max })}</span>
        {problemLine}
      </label>
    );
  }

  let options: Option[] = [];
  if (param.kind === 'scene')
    options = (scenes?.scenes ?? []).map((s) => ({
      value: s.code,
      label: entryName(s, lang),
      thumbnailUrl: s.thumbnailUrl,
    }));
  else if (param.kind === 'category')
    options = (scenes?.categories ?? []).map((c) => ({ value: c.code, label: entryName(c, lang) }));
  else options = (param.options ?? []).map((o) => ({ value: o.value, label: localized(o.label, lang) }));
  const pictures = param.kind === 'scene';
  const look = param.kind === 'choice' ? choiceLook(options.map((o) => o.value)) : 'chips';
  const className = pictures ? 'picker pictures' : look === 'sizes' ? 'picker pictures sizes' : `picker ${look}`;

  return (
    <fieldset className={className} data-testid="param" data-param={param.name} data-kind={param.kind}>
      <legend>
        {label} {optional && <span className="muted">{t('create.optional')}</span>}
      </legend>
      {optional && (
        <label className={value === '' ? 'pick selected' : 'pick'}>
          <input type="radio" name={param.name} value="" checked={value === ''} onChange={() => onChange('')} />
          <span>{t('create.none')}</span>
        </label>
      )}
      {options.map((o) => (
        <label key={o.value} className={value === o.value ? 'pick selected' : 'pick'} data-value={o.value}>
          <input
            type="radio"
            name={param.name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          {pictures &&
            (o.thumbnailUrl ? (
              <img src={o.thumbnailUrl} alt="" loading="lazy" />
            ) : (
              <span className="pick-thumb" aria-hidden="true" style={{ background: tint(o.value) }}>
                {o.label.slice(0, 1)}
              </span>
            ))}
          {look === 'sizes' && <SizeFrame value={o.value} />}
          {look === 'colors' && (
            <span className="swatch" aria-hidden="true" data-testid="swatch" style={{ background: o.value }} />
          )}
          <span className="pick-name">{o.label}</span>
        </label>
      ))}
      {problemLine}
    </fieldset>
  );
}
