import { useI18n } from '../lib/i18n';

/**
 * The foot of a console form: its error (announced), then submit (`submitLabel`, Save unless
 * told; off while `busy`) and Cancel.
 */
export function FormActions({
  error,
  errorTestId,
  busy,
  submitLabel,
  onCancel,
}: {
  error: string | null | undefined;
  errorTestId?: string;
  busy: boolean;
  submitLabel?: string;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      {error && (
        <p className="error small" role="alert" data-testid={errorTestId}>
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel ?? t('common.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </>
  );
}
