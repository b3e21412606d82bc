import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A list read from the server with reload(); only the newest answer is kept, so a reload after a
 * create cannot be overwritten by a slower earlier read.
 */
export function useRemoteList<T>(load: () => Promise<{ items: T[] }>, describe: (err: unknown) => string) {
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const answer = await load();
      if (mine !== seq.current) return;
      setItems(answer.items);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(describe(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [load, describe]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { items, loading, error, reload };
}
