/**
 * How downloaded results are named (issue 15, "Downloads keep names"): after the merchant's own
 * upload, never after a storage key. A result `output/<user>/<task>/main.jpg` of an upload called
 * `白T恤.jpg` downloads as `白T恤_main.jpg`; numbered results of the pose type as
 * `白T恤_pose01.png` … One rule for every download: the single-image buttons of the portal (the
 * Task DTO's `resultNames`), the task and batch ZIPs and any archive over the history.
 */
import { cleanUploadName } from '../media/upload-name';

/** What naming needs of a task (a DTO, a row mapped by the caller, a fake). */
export interface NamedTask {
  id: string;
  /** Task type key: numbered results get a word for it (`pose` for model_pose12). */
  type: string;
  /** The original file name of the task's input upload, null when unknown (older tasks). */
  inputName: string | null;
  /** Storage keys of the results, in order. */
  resultKeys: string[];
}

/** Longest stem kept, in characters (code points): the rest of a very long name is cut. */
export const STEM_MAX_CHARS = 60;

/** The word numbered results of a type get (`01.png` → `pose01.png`); others keep the bare number. */
const NUMBERED_WORD: Record<string, string> = { model_pose12: 'pose' };

/** Names Windows reserves for devices, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** Stems by input name ('' when nothing usable is left): a history page names the same few uploads. */
const stems = new Map<string, string>();
/** Bound of that cache: it is cleared when full (names are short; a page needs twenty). */
const MAX_CACHED_STEMS = 2000;

/**
 * The stem downloads use for a task: its input's name without the extension, cleaned again (a
 * stored name is trusted as little as a sent one) and cut to STEM_MAX_CHARS, or `aiphoto-<first
 * 8 characters of the task id>` when the name is unknown or nothing usable is left.
 */
export function fileStem(task: Pick<NamedTask, 'id' | 'inputName'>): string {
  const stem = typeof task.inputName === 'string' ? stemOfName(task.inputName) : '';
  return stem === '' ? `aiphoto-${task.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}` : stem;
}

function stemOfName(inputName: string): string {
  let stem = stems.get(inputName);
  if (stem === undefined) {
    const name = cleanUploadName(inputName);
    const withoutExt = name ? name.replace(/\.[^.]{1,10}$/, '') : '';
    stem = Array.from(withoutExt.replace(/[\s._]+$/g, ''))
      .slice(0, STEM_MAX_CHARS)
      .join('')
      .trim();
    if (RESERVED.test(stem)) stem = '';
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(inputName, stem);
  }
  return stem;
}

/** `main.jpg` → `main.jpg`, `01.png` of the pose type → `pose01.png`: the part after the stem. */
function resultPart(type: string, key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1) || 'result';
  const dot = base.lastIndexOf('.');
  const name = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(dot).toLowerCase() : '';
  const word = /^\d+$/.test(name) ? (NUMBERED_WORD[type] ?? '') : '';
  return `${word}${name}${ext}`;
}

/**
 * The download name of each of a task's results, in the order of `resultKeys`:
 * `<stem>_<result name>.<ext>` (`白T恤_main.jpg`, `白T恤_pose01.png`). Names within one task never
 * repeat (a second equal one gets ` (2)` before the extension).
 */
export function resultFileNames(task: NamedTask, stem: string = fileStem(task)): string[] {
  const used = new Set<string>();
  return task.resultKeys.map((key) => uniqueFileName(`${stem}_${resultPart(task.type, key)}`, used));
}

/**
 * ZIP entries for several tasks (a batch, a selection from the history): every result under its
 * download name, flat. Two tasks whose inputs had the same name get ` (2)`, ` (3)` … after the
 * stem of the later ones, so all results of one task keep one stem. Names compare
 * case-insensitively (archives are unpacked on case-insensitive file systems too).
 */
export function resultZipEntries(tasks: NamedTask[]): Array<{ name: string; key: string }> {
  const stems = new Set<string>();
  const names = new Set<string>();
  const entries: Array<{ name: string; key: string }> = [];
  for (const task of tasks) {
    if (!task.resultKeys.length) continue;
    const base = fileStem(task);
    let stem = base;
    for (let i = 2; stems.has(stem.toLowerCase()); i++) stem = `${base} (${i})`;
    stems.add(stem.toLowerCase());
    resultFileNames(task, stem).forEach((name, i) =>
      entries.push({ name: uniqueFileName(name, names), key: task.resultKeys[i] }),
    );
  }
  return entries;
}

/** `name.ext`, or `name (2).ext`, `name (3).ext` … when taken (case-insensitively); records it. */
function uniqueFileName(name: string, used: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [head, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${head} (${i})${ext}`;
  used.add(candidate.toLowerCase());
  return candidate;
}

/**
 * The archive's own name: `<stem>.zip` for one task's results, `<stem>_+<n-1>.zip` for n tasks
 * (named after the first: `白T恤_+2.zip`). Sent with an ASCII fallback and a UTF-8 `filename*`
 * (media/zip.service.ts `attachmentHeader`).
 */
export function zipFileName(tasks: Array<Pick<NamedTask, 'id' | 'inputName'>>): string {
  if (!tasks.length) return 'aiphoto.zip';
  const stem = fileStem(tasks[0]);
  return tasks.length === 1 ? `${stem}.zip` : `${stem}_+${tasks.length - 1}.zip`;
}
