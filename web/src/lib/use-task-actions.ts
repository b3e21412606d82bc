import { useState } from 'react';
import type { Schemas, Task } from '../api';
import { downloadUrl, resultNameOf, saveBlob } from './download';
import { useI18n } from './i18n';
import { navigate } from './router';
import { useSignedIn } from './session-context';

/**
 * The create request that makes the same task again: every input slot as it was named (upload
 * keys, or a source task), and the parameters it was made with — not the server's own seed.
 */
export function retryRequest(task: Task): Schemas['CreateTasks'] {
  const { seed: _seed, ...params } = task.params;
  void _seed;
  // A failed task's retry is linked to it, so the failure stops offering Retry once it worked.
  const retryOf = task.status === 'failed' ? { retryOf: task.id } : {};
  return Object.keys(task.inputs).length
    ? { type: task.type, inputs: task.inputs, params, ...retryOf }
    : { type: task.type, inputKey: task.inputKey, params, ...retryOf };
}

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
        // The task names its stored inputs, so any browser can retry it. A retry is a new batch
        // with its own key: the failed task was refunded, so it is charged anew.
        const batch = await api.createTasks(retryRequest(task), crypto.randomUUID());
        const next = batch.tasks[0];
        live.store.upsert(next);
        if (task.status === 'failed') live.store.upsert({ ...task, retry: { id: next.id, status: next.status } });
        await refreshMe();
        navigate(`/tasks/${next.id}`);
      }),
    toggleFavorite: () =>
      run(async () => {
        live.store.upsert(await api.favorite(task.id, !task.favorite));
      }),
    downloadZip: () =>
      run(async () => {
        const { blob, fileName } = await api.taskZip(task.id);
        saveBlob(blob, fileName);
      }),
    /** A result card's download: the one image under its own name, several as the task's ZIP. */
    downloadResults: () =>
      run(async () => {
        if (task.resultUrls.length === 1) {
          await downloadUrl(task.resultUrls[0], resultNameOf(task, 0, 'image.jpg'));
          return;
        }
        const { blob, fileName } = await api.taskZip(task.id);
        saveBlob(blob, fileName);
      }),
  };
}
