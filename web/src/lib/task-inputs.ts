/**
 * What the portal remembers about a task's input. The public Task shape carries neither the
 * input key nor an input URL, so retry (re-create with the same input) and the before/after
 * view rely on what this browser uploaded: keys persist in localStorage, previews (object
 * URLs of the picked files) only for the page's lifetime.
 */
const KEY = 'aiphoto.taskInputs';
const MAX_ENTRIES = 500;

type Stored = Record<string, { inputKey: string; at: number }>;

const previews = new Map<string, string>();

function read(): Stored {
  try {
    return JSON.parse(window.localStorage.getItem(KEY) ?? '{}') as Stored;
  } catch {
    return {};
  }
}

export function rememberInputs(entries: Array<{ taskId: string; inputKey: string; previewUrl?: string }>): void {
  const stored = read();
  const now = Date.now();
  for (const e of entries) {
    stored[e.taskId] = { inputKey: e.inputKey, at: now };
    if (e.previewUrl) previews.set(e.taskId, e.previewUrl);
  }
  // Keep the newest entries only: localStorage is small and old tasks are rarely retried.
  const kept = Object.entries(stored).sort((a, b) => b[1].at - a[1].at).slice(0, MAX_ENTRIES);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(kept)));
  } catch {
    // storage full or disabled: retry falls back to "upload again"
  }
}

export function inputKeyOf(taskId: string): string | null {
  return read()[taskId]?.inputKey ?? null;
}

export function previewOf(taskId: string): string | null {
  return previews.get(taskId) ?? null;
}
