import { useI18n } from '../lib/i18n';
import { localized, type TaskTypeDef } from '../lib/task-form';

/** The products on offer as cards: sample image, name, what it makes, its price per photo. */
export function TypePicker({
  types,
  selected,
  onSelect,
}: {
  types: TaskTypeDef[];
  selected: string;
  onSelect: (key: string) => void;
}) {
  const { t, lang } = useI18n();
  return (
    <fieldset className="choices types" data-testid="types">
      <legend>{t('create.type')}</legend>
      {types.map((type) => (
        <label
          key={type.key}
          className={type.key === selected ? 'choice type-card selected' : 'choice type-card'}
          data-testid="type-card"
          data-type={type.key}
        >
          <input
            type="radio"
            name="type"
            value={type.key}
            checked={type.key === selected}
            onChange={() => onSelect(type.key)}
          />
          {type.sampleImageUrl ? (
            <img className="type-sample" src={type.sampleImageUrl} alt="" loading="lazy" />
          ) : (
            <span className="type-sample empty" aria-hidden="true">
              {localized(type.name, lang).slice(0, 1)}
            </span>
          )}
          <span className="type-text">
            <strong>{localized(type.name, lang)}</strong>
            {localized(type.description, lang) && (
              <span className="muted small">{localized(type.description, lang)}</span>
            )}
            <span className="small type-price" data-testid="type-price">
              {t('create.price', { n: type.credits })}
              {type.outputs > 1 && ` · ${t('create.outputs', { n: type.outputs })}`}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
