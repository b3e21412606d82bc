import { useState, type FormEvent } from 'react';
import { useI18n } from './i18n';

/**
 * A form's submit handler with its busy flag and error text: prevents the default submit,
 * clears the last error, runs `action`, and shows a failure in the console's language
 * (`errorText` may word some codes for the form).
 */
export function useSubmit(action: () => Promise<void>, errorText?: (err: unknown) => string | null) {
  const i18n = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await action();
    } catch (err) {
      setFailure(err ?? new Error('failed'));
    } finally {
      setBusy(false);
    }
  };
  const error = failure === null ? null : (errorText?.(failure) ?? i18n.errorText(failure));
  return { busy, error, submit };
}
