/**
 * What the portal checks before a photo is sent: the server's own limits (`GET /api/v1/uploads/config`:
 * bytes, pixels, formats), read once per page. A file of the wrong type or too large is refused at
 * once, with the reason, and never uploaded; its picture is then read in the browser, so an image
 * of too many pixels (or one that cannot be decoded) is refused too, and a small one (under
 * SMALL_SIDE on its short side) is sent with a warning: the result may look soft.
 */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';

export interface UploadLimits {
  maxBytes: number;
  maxPixels: number;
  /** MIME types, e.g. image/jpeg. */
  formats: string[];
}

/** The backend's defaults (UPLOAD_MAX_BYTES, UPLOAD_MAX_PIXELS), used until the server has answered. */
export const DEFAULT_LIMITS: UploadLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 40_000_000,
  formats: ['image/jpeg', 'image/png', 'image/webp'],
};

/** A short side below this many pixels is allowed but warned about. */
export const SMALL_SIDE = 500;

export type FileProblem = 'format' | 'tooBig';
export type PictureProblem = 'tooManyPixels' | 'unreadable';

/** The checks that need only the file's type and length. */
export function checkFile(file: Pick<File, 'type' | 'size'>, limits: UploadLimits): FileProblem | null {
  if (!limits.formats.includes(file.type)) return 'format';
  if (file.size > limits.maxBytes) return 'tooBig';
  return null;
}

export interface PictureVerdict {
  problem: PictureProblem | null;
  /** The short side is under SMALL_SIDE: sent anyway, with a warning. */
  small: boolean;
}

/** The checks on the decoded picture; `size` is null when the browser could not decode it. */
export function checkPicture(size: { width: number; height: number } | null, limits: UploadLimits): PictureVerdict {
  if (!size || !size.width || !size.height) return { problem: 'unreadable', small: false };
  if (size.width * size.height > limits.maxPixels) return { problem: 'tooManyPixels', small: false };
  return { problem: null, small: Math.min(size.width, size.height) < SMALL_SIDE };
}

/** "20 MB", "1.5 MB", "800 KB": binary units, as UPLOAD_MAX_BYTES is counted. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** "40" (million pixels), "12.5". */
export function formatMegapixels(pixels: number): string {
  return trim(pixels / 1_000_000);
}

/** "JPG / PNG / WebP" from the MIME types. */
export function formatNames(formats: string[]): string {
  const names: Record<string, string> = { 'image/jpeg': 'JPG', 'image/png': 'PNG', 'image/webp': 'WebP' };
  return formats.map((f) => names[f] ?? f.replace(/^image\//, '').toUpperCase()).join(' / ');
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/**
 * The picture's size as a viewer shows it (EXIF rotation applied), or null when it does not
 * decode. The browser reads it from an object URL; nothing leaves the page.
 */
export function readPictureSize(file: Blob): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    const done = (size: { width: number; height: number } | null) => {
      URL.revokeObjectURL(url);
      resolve(size);
    };
    img.onload = () => done({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => done(null);
    img.src = url;
  });
}

type UploadConfig = Awaited<ReturnType<ApiClient['uploadConfig']>>;
const asked = new WeakMap<object, Promise<UploadConfig>>();

/**
 * `GET /api/v1/uploads/config`, asked once per API client: the limits here and the upload mode
 * (lib/uploader.ts) share the answer. A failure is not kept: the next caller asks again.
 */
export function uploadConfigOnce(api: Pick<ApiClient, 'uploadConfig'>): Promise<UploadConfig> {
  let answer = asked.get(api);
  if (!answer) {
    answer = api.uploadConfig();
    asked.set(api, answer);
    answer.catch(() => asked.delete(api));
  }
  return answer;
}

/** The server's limits (DEFAULT_LIMITS until they arrive, or if asking fails). */
export function useUploadLimits(api: Pick<ApiClient, 'uploadConfig'>): UploadLimits {
  const [limits, setLimits] = useState<UploadLimits>(DEFAULT_LIMITS);
  useEffect(() => {
    let live = true;
    uploadConfigOnce(api).then(
      (c) => live && setLimits({ maxBytes: c.maxBytes, maxPixels: c.maxPixels, formats: c.formats }),
      () => undefined, // the defaults stay; the upload itself reports what the server says
    );
    return () => {
      live = false;
    };
  }, [api]);
  return limits;
}
