import { useState } from 'react';
import { useI18n } from '../../lib/i18n';

/**
 * A destructive action asked twice, in place: the first press shows the question with
 * 确认 / 取消 next to the row it concerns (clearer on a phone than a browser confirm box,
 * which also names no row).
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  disabled,
  testId,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="secondary danger"
        disabled={disabled}
        onClick={() => setAsking(true)}
        data-testid={testId}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" data-testid={`${testId}-confirm`}>
      <span className="small">{question}</span>
      <span className="row">
        <button
          type="button"
          className="primary danger"
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
          data-testid={`${testId}-yes`}
        >
          {t('dev.confirm')}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>
          {t('common.cancel')}
        </button>
      </span>
    </span>
  );
}
