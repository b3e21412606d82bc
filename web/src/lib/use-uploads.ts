import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../api';
import {
  checkFile,
  checkPicture,
  readPictureSize,
  type FileProblem,
  type PictureProblem,
  type UploadLimits,
} from './upload-checks';
import { createUploader } from './uploader';

export const MAX_FILES = 50;
const CONCURRENCY = 3;

export interface UploadItem {
  id: string;
  name: string;
  previewUrl: string;
  /** 0–1 while uploading. */
  progress: number;
  key: string | null;
  error: string | null;
  /** Sent, but its short side is under SMALL_SIDE (lib/upload-checks.ts): its size, for the warning. */
  small: { width: number; height: number } | null;
}

export interface Refused {
  name: string;
  problem: FileProblem | PictureProblem;
}

export interface PickResult {
  tooMany: number;
  /** Files never sent, with the reason. */
  rejected: Refused[];
}

/**
 * Splits a drop/pick into the files that pass the type and size checks (up to the room left) and
 * those refused, with the reason.
 */
export function admit(
  files: Array<Pick<File, 'name' | 'type' | 'size'>>,
  room: number,
  limits: UploadLimits,
): { accepted: number[]; result: PickResult } {
  const rejected: Refused[] = [];
  const fit: number[] = [];
  files.forEach((f, i) => {
    const problem = checkFile(f, limits);
    if (problem) rejected.push({ name: f.name, problem });
    else fit.push(i);
  });
  const accepted = fit.slice(0, Math.max(0, room));
  return { accepted, result: { tooMany: fit.length - accepted.length, rejected } };
}

/**
 * Picked files upload at once, three at a time, each with its own progress, the way the server
 * says (through it, or directly to COS: lib/uploader.ts); `fellBack` tells that direct uploads
 * were unavailable and the server path took over. Previews are object URLs released when their
 * item leaves the list: task pages show the stored input through `Task.inputUrl`, so nothing
 * needs them after the batch is created.
 */
export function useUploads(api: ApiClient, describe: (err: unknown) => string, max = MAX_FILES) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [fellBack, setFellBack] = useState(false);
  // One uploader per panel: it holds the upload mode and the STS credentials of this merchant.
  const upload = useMemo(() => createUploader(api, () => setFellBack(true)), [api]);
  const files = useRef(new Map<string, File>());
  const running = useRef(new Set<string>());
  const aborts = useRef(new Map<string, AbortController>());
  const previews = useRef(new Map<string, string>());

  const release = useCallback((id: string) => {
    const url = previews.current.get(id);
    if (url) URL.revokeObjectURL(url);
    previews.current.delete(id);
  }, []);
  useEffect(() => () => previews.current.forEach((url) => URL.revokeObjectURL(url)), []);

  const patch = useCallback((id: string, change: Partial<UploadItem>) => {
    setItems((list) => list.map((it) => (it.id === id ? { ...it, ...change } : it)));
  }, []);

  // Start waiting uploads whenever a slot is free.
  useEffect(() => {
    const waiting = items.filter((it) => !it.key && !it.error && !running.current.has(it.id));
    for (const it of waiting.slice(0, CONCURRENCY - running.current.size)) {
      const file = files.current.get(it.id);
      if (!file) continue;
      running.current.add(it.id);
      const abort = new AbortController();
      aborts.current.set(it.id, abort);
      upload(file, (p) => patch(it.id, { progress: p }), abort.signal)
        .then(
          (res) => patch(it.id, { key: res.key, progress: 1 }),
          (err: unknown) => {
            if (!abort.signal.aborted) patch(it.id, { error: describe(err) });
          },
        )
        .finally(() => {
          running.current.delete(it.id);
          aborts.current.delete(it.id);
          files.current.delete(it.id);
          setItems((list) => [...list]); // wake the scheduler for the next file
        });
    }
  }, [items, upload, patch, describe]);

  /**
   * Checks picked files against `limits` (type and size at once, then the decoded picture) and
   * adds those that pass, up to `max`; with `replace`, they take the place of the ones listed.
   * A refused file is never sent; the answer says which and why.
   */
  const add = useCallback(
    async (picked: File[], limits: UploadLimits, replace = false): Promise<PickResult> => {
      const { accepted, result } = admit(picked, max - (replace ? 0 : items.length), limits);
      const checked = await Promise.all(
        accepted.map(async (i) => {
          const size = await readPictureSize(picked[i]);
          return { file: picked[i], size, verdict: checkPicture(size, limits) };
        }),
      );
      const passed = checked.filter((c) => {
        if (c.verdict.problem) result.rejected.push({ name: c.file.name, problem: c.verdict.problem });
        return !c.verdict.problem;
      });
      if (replace && passed.length) {
        aborts.current.forEach((a) => a.abort());
        files.current.clear();
        [...previews.current.keys()].forEach(release);
      }
      const added = passed.map(({ file, size, verdict }) => {
        const id = crypto.randomUUID();
        const previewUrl = URL.createObjectURL(file);
        files.current.set(id, file);
        previews.current.set(id, previewUrl);
        return {
          id,
          name: file.name,
          previewUrl,
          progress: 0,
          key: null,
          error: null,
          small: verdict.small ? size : null,
        };
      });
      if (added.length) setItems((list) => (replace ? added : [...list, ...added]));
      return result;
    },
    [items.length, max, release],
  );

  const remove = useCallback(
    (id: string) => {
      aborts.current.get(id)?.abort();
      files.current.delete(id);
      release(id);
      setItems((list) => list.filter((it) => it.id !== id));
    },
    [release],
  );

  const clear = useCallback(() => {
    aborts.current.forEach((a) => a.abort());
    files.current.clear();
    [...previews.current.keys()].forEach(release);
    setItems([]);
  }, [release]);

  return { items, add, remove, clear, fellBack };
}
