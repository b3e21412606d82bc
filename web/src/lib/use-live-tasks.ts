import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Task } from '../api';
import { useSignedIn } from './session-context';

/** The given tasks, kept current by the live feed (socket, else 3 s polling) while mounted. */
export function useLiveTasks(initial: Task[]): Task[] {
  const { live } = useSignedIn();
  // Keyed by the ids: fresh objects for the same tasks (a re-fetched page) must not re-watch.
  const ids = initial.map((t) => t.id).join(',');
  useEffect(() => live.watch(initial), [live, ids]);
  useEffect(() => initial.forEach((t) => live.store.upsert(t)), [initial, live]);
  // `version` is the store's change signal; the tasks themselves are read from the store.
  const version = useSyncExternalStore(live.store.subscribe, live.store.getVersion);
  return useMemo(() => initial.map((t) => live.store.get(t.id) ?? t), [initial, live, version]);
}
