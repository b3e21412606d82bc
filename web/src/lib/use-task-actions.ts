import { useState } from 'react';
import type { Task } from '../api';
import { saveBlob } from './download';
import { useI18n } from './i18n';
import { navigate } from './router';
import { useSignedIn } from './session-context';
import { inputKeyOf, previewOf, rememberInputs } from './task-inputs';

/** Cancel, retry, favorite and ZIP download for one task, with one busy flag and error text. */
export function useTaskActions(task: Task) {
  const { api, live, refreshMe } = useSignedIn();
  const { t, errorText } = useI18n();
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

  const inputKey = inputKeyOf(task.id);
  return {
    busy,
    error,
    canRetry: inputKey !== null,
    cancel: () =>
      run(async () => {
        live.store.upsert(await api.cancel(task.id));
        await refreshMe(); // the refund shows in the header at once
      }),
    retry: () =>
      run(async () => {
        if (!inputKey) throw new Error(t('task.retryNeedsUpload'));
        // A retry is a new batch with its own key: the failed task was refunded, so it is charged anew.
        const batch = await api.createTasks({ type: task.type, inputKeys: [inputKey], params: task.params }, crypto.randomUUID());
        const next = batch.tasks[0];
        rememberInputs([{ taskId: next.id, inputKey, previewUrl: previewOf(task.id) ?? undefined }]);
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
