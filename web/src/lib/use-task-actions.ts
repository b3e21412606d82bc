import { useState } from 'react';
import type { Task } from '../api';
import { saveBlob } from './download';
import { useI18n } from './i18n';
import { navigate } from './router';
import { useSignedIn } from './session-context';

/** Cancel, retry, favorite and ZIP download for one task, with one busy flag and error text. */
export function useTaskActions(task: Task) {
  const { api, live, refreshMe } = useSignedIn();
  const { errorText } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: () => Promise<void>) => {
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

  return {
    busy,
    error,
    cancel: () =>
      run(async () => {
        live.store.upsert(await api.cancel(task.id));
        await refreshMe(); // the refund shows in the header at once
      }),
    retry: () =>
      run(async () => {
        // The task names its stored input, so any browser can retry it. A retry is a new batch
        // with its own key: the failed task was refunded, so it is charged anew.
        const batch = await api.createTasks(
          { type: task.type, inputKey: task.inputKey, params: task.params },
          crypto.randomUUID(),
        );
        const next = batch.tasks[0];
        live.store.upsert(next);
        await refreshMe();
        navigate(`/tasks/${next.id}`);
      }),
    toggleFavorite: () =>
      run(async () => {
        live.store.upsert(await api.favorite(task.id, !task.favorite));
      }),
    downloadZip: () =>
      run(async () => {
        saveBlob(await api.taskZip(task.id), `aiphoto-${task.id}.zip`);
      }),
  };
}
