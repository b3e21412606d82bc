import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A page-numbered list read from the server: the first page on mount, `more()` appends the next.
 * Only the newest answer counts, so a reload cannot be overwritten by a slower earlier read.
 */
export function usePaged<T>(
  load: (page: number) => Promise<{ items: T[]; total: number }>,
  describe: (err: unknown) => string,
) {
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  const read = useCallback(
    async (next: number) => {
      const mine = ++seq.current;
      setLoading(true);
      try {
        const answer = await load(next);
        if (mine !== seq.current) return;
        setItems((list) => (next === 1 ? answer.items : [...list, ...answer.items]));
        setTotal(answer.total);
        setPage(next);
        setError(null);
      } catch (err) {
        if (mine === seq.current) setError(describe(err));
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [load, describe],
  );

  useEffect(() => {
    void read(1);
  }, [read]);

  return {
    items,
    total,
    loading,
    error,
    hasMore: items.length < total,
    more: () => read(page + 1),
    reload: () => read(1),
  };
}
