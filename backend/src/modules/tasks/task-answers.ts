import { TwoGenerationMap } from '../../infra/two-generation-map';
import type { ObjectUrlPort } from './task-ports';
import { toTaskDto, type TaskDto } from './task-view';
import type { ListedTask } from './tasks.repository';

/**
 * Every field of a listed task, each of which the answer is made of. A `Record` so that the
 * compiler refuses a `ListedTask` field missing here: a field left out of the comparison would let
 * a changed task be answered from its old text.
 */
const COMPARED: Record<keyof ListedTask, true> = {
  id: true,
  batchId: true,
  type: true,
  status: true,
  progress: true,
  params: true,
  inputKey: true,
  inputs: true,
  typeDef: true,
  typeVersion: true,
  resultKeys: true,
  inputName: true,
  errorCode: true,
  errorReason: true,
  retryOf: true,
  favorite: true,
  createdAt: true,
  updatedAt: true,
};
const FIELDS = Object.keys(COMPARED) as Array<keyof ListedTask>;

/** One task's answer as JSON text, with everything it was made of. */
interface Kept {
  userId: string;
  ttlSeconds: number;
  /** The row as read when the text was made (compared field by field, not by `updatedAt`). */
  row: ListedTask;
  retryId: string | null;
  retryStatus: string | null;
  json: string;
  /** The earliest instant after which the URL port would sign one of its URLs anew. */
  reusableUntilMs: number;
}

/**
 * Task answers (`toTaskDto`) of history pages, kept as JSON text per task and reused while nothing
 * they are made of changed, so a page is its rows' texts joined. Building an answer (signed-URL
 * lookups, result names, ISO times, params) and `JSON.stringify` of a 20-task page (~34 KB, most of
 * it signed URLs) cost more than the query that reads it (docs/performance.md, sixth pass).
 *
 * A text is reused only when, for the same merchant and URL lifetime:
 * - every field of the row just read equals the row it was made from (a content comparison, not
 *   `updated_at`, which two updates in one millisecond or two replicas' clocks can share; the rows
 *   are read on every request, so a change by any replica is seen at once);
 * - the newest retry (id and state) is the same;
 * - no URL in it is past the instant the URL port would stop answering it (`signedUrlReuse`): a
 *   kept text never serves a URL longer than `signedUrl` itself would. A port without that
 *   method gets every answer built anew.
 *
 * Bounded like SignedUrlCache: two generations of `maxEntries / 2` texts (~1.7 KB each for a
 * one-input task; infra/two-generation-map.ts).
 */
export class TaskAnswerCache {
  private readonly kept: TwoGenerationMap<Kept>;
  /** While a text is built: the earliest reuse limit of the URLs it was given. */
  private reusableUntilMs = Infinity;
  private readonly recording: ObjectUrlPort | null;
  /** Answers built (not reused) so far: for tests and figures. */
  built = 0;

  constructor(
    private readonly urls: ObjectUrlPort,
    maxEntries = 4_000,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.kept = new TwoGenerationMap(maxEntries);
    const reuse = urls.signedUrlReuse?.bind(urls);
    // The port toTaskDto is given when a text is built: it notes how long each URL may be kept.
    this.recording = reuse
      ? {
          signedUrl: (key, ttlSeconds) => {
            const signed = reuse(key, ttlSeconds);
            if (signed.reusableUntilMs < this.reusableUntilMs) this.reusableUntilMs = signed.reusableUntilMs;
            return signed.url;
          },
        }
      : null;
  }

  /** `JSON.stringify(toTaskDto(row, urls, ttlSeconds, retry))`, reused when nothing it is made of changed. */
  json(userId: string, row: ListedTask, ttlSeconds: number, retry: TaskDto['retry']): string {
    const kept = this.kept.get(row.id);
    if (
      kept !== undefined &&
      kept.userId === userId &&
      kept.ttlSeconds === ttlSeconds &&
      kept.retryId === (retry?.id ?? null) &&
      kept.retryStatus === (retry?.status ?? null) &&
      this.now() <= kept.reusableUntilMs &&
      sameRow(kept.row, row)
    )
      return kept.json;
    this.built++;
    if (!this.recording) return JSON.stringify(toTaskDto(row, this.urls, ttlSeconds, retry));
    this.reusableUntilMs = Infinity;
    const json = JSON.stringify(toTaskDto(row, this.recording, ttlSeconds, retry));
    this.kept.set(row.id, {
      userId,
      ttlSeconds,
      row,
      retryId: retry?.id ?? null,
      retryStatus: retry?.status ?? null,
      json,
      reusableUntilMs: this.reusableUntilMs,
    });
    return json;
  }

  /** A history page's JSON text: `JSON.stringify({ items, nextCursor })` of these rows' answers. */
  page(
    userId: string,
    rows: ListedTask[],
    ttlSeconds: number,
    retries: Map<string, NonNullable<TaskDto['retry']>>,
    nextCursor: string | null,
  ): string {
    let text = '{"items":[';
    for (let i = 0; i < rows.length; i++) {
      if (i) text += ',';
      text += this.json(userId, rows[i], ttlSeconds, retries.get(rows[i].id) ?? null);
    }
    return `${text}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }
}

function sameRow(a: ListedTask, b: ListedTask): boolean {
  for (const field of FIELDS) if (a[field] !== b[field]) return false;
  return true;
}
