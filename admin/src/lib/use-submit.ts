import { useState, type FormEvent } from 'react';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * A form's submit handler with its busy flag and error text: prevents the default submit,
 * clears the last error, runs `action`, and turns a failure into text with `errorText`.
 */
export function useSubmit(action: () => Promise<void>, errorText: (err: unknown) => string = messageOf) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}
