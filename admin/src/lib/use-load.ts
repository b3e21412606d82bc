import { useCallback, useEffect, useState } from 'react';
import { useI18n } from './i18n';

/**
 * Loads with `fn` whenever its inputs change; `reload` reads again (after an edit, or on a timer).
 * `error` is the failure in the console's language (a 429 or 5xx says "try again later").
 */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]) {
  const { errorText } = useI18n();
  const [data, setData] = useState<T | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  // The caller's deps decide when to reload; `fn` is a fresh closure on every render.
  const load = useCallback(fn, deps);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await load());
      setFailure(null);
    } catch (err) {
      setFailure(err ?? new Error('failed'));
    } finally {
      setLoading(false);
    }
  }, [load]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error: failure === null ? null : errorText(failure), loading, reload, setData };
}
