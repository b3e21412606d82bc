/**
 * Names for downloaded results, by the rule the AI Photo backend uses for its own downloads (its
 * tasks module, result-names.ts): after the merchant's upload, never after a storage key. An
 * upload `白T恤.jpg` gives `白T恤_main.jpg`; the numbered results of the pose type
 * `白T恤_pose01.png` …; the task's archive `白T恤.zip`. Written again here because the node package
 * depends on nothing but n8n; `fixtures/result-name-vectors.json` holds examples both sides test.
 */

/** What naming reads of a task: fields of the API's Task. */
export interface NamedResults {
  id: string;
  type: string;
  /** The upload's original file name; null (or absent, older backends) when unknown. */
  inputName?: string | null;
  /** Result URLs or storage keys: only the last path segment counts. */
  results: string[];
}

const STEM_MAX_CHARS = 60;
const NAME_MAX_CHARS = 200;
const NUMBERED_WORD: Record<string, string> = { model_pose12: 'pose' };
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff<>:"/\\|?*]/g;

/** The upload name made safe as the backend stores it: last segment, no unsafe characters, ≤ 200 characters. */
function safeName(raw: string | null | undefined): string {
  if (typeof raw !== 'string') return '';
  const tidy = (raw.split(/[/\\]/).pop() ?? '')
    .normalize('NFC')
    .replace(UNSAFE, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const chars = Array.from(tidy);
  if (chars.length <= NAME_MAX_CHARS) return tidy;
  const dot = tidy.lastIndexOf('.');
  const ext = dot > 0 && tidy.length - dot <= 10 ? tidy.slice(dot) : '';
  return Array.from(tidy.slice(0, tidy.length - ext.length))
    .slice(0, NAME_MAX_CHARS - ext.length)
    .join('')
    .concat(ext);
}

/** The stem of every download of a task: its upload name without extension, or `aiphoto-<8 of the id>`. */
export function resultStem(task: Pick<NamedResults, 'id' | 'inputName'>): string {
  const withoutExt = safeName(task.inputName).replace(/\.[^.]{1,10}$/, '');
  const stem = Array.from(withoutExt.replace(/[\s._]+$/g, ''))
    .slice(0, STEM_MAX_CHARS)
    .join('')
    .trim();
  if (stem && !WINDOWS_DEVICE.test(stem)) return stem;
  return `aiphoto-${task.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}`;
}

/** The last path segment of a URL or key, decoded, without the query. */
function lastSegment(urlOrKey: string): string {
  const path = urlOrKey.split(/[?#]/)[0];
  const segment = path.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `<stem>_main.jpg`, `<stem>_pose01.png` …, in the order of `results`; a repeated name gets ` (2)`. */
export function resultFileNames(task: NamedResults): string[] {
  const stem = resultStem(task);
  const taken = new Set<string>();
  return task.results.map((result) => {
    const base = lastSegment(result) || 'result';
    const dot = base.lastIndexOf('.');
    const name = dot > 0 ? base.slice(0, dot) : base;
    const ext = dot > 0 ? base.slice(dot).toLowerCase() : '';
    const word = /^\d+$/.test(name) ? (NUMBERED_WORD[task.type] ?? '') : '';
    return unique(`${stem}_${word}${name}${ext}`, taken);
  });
}

/** `name.ext`, else `name (2).ext`, `name (3).ext` … (compared case-insensitively); records the one returned. */
function unique(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [head, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${head} (${i})${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** The archive of one task's results: `<stem>.zip`. */
export function resultZipName(task: Pick<NamedResults, 'id' | 'inputName'>): string {
  return `${resultStem(task)}.zip`;
}
