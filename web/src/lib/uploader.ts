/**
 * Chooses how the portal uploads, as the server says (`GET /api/v1/uploads/config`, UPLOAD_MODE):
 * through the backend (`POST /api/v1/uploads`) or straight to COS (direct-upload.ts). When STS
 * answers 503, the page falls back to server uploads for the rest of the visit and says so once.
 */
import { ApiError, type ApiClient, type UploadResult } from '../api';
import { DirectUploader, StsUnavailableError, type DirectApi } from './direct-upload';
import { uploadConfigOnce } from './upload-checks';

export type UploadFn = (
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
) => Promise<UploadResult>;

interface Direct {
  upload: UploadFn;
}

/** How often a file is tried again when the server says its upload slots are full (503 UPLOADS_BUSY). */
export const BUSY_RETRIES = 3;

/** Resolves after `ms`, or rejects at once when `signal` aborts (the merchant removed the file). */
function pauseFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ApiError(0, 'ABORTED', 'upload canceled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(new ApiError(0, 'ABORTED', 'upload canceled'));
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

export function createUploader(
  api: Pick<ApiClient, 'upload' | 'uploadConfig'> & DirectApi,
  onFallback: () => void,
  makeDirect: (maxBytes: number) => Direct = (maxBytes) => new DirectUploader(api, maxBytes),
  pause: (ms: number, signal?: AbortSignal) => Promise<void> = pauseFor,
): UploadFn {
  let direct: Promise<Direct | null> | null = null;
  let fellBack = false;
  const directUploader = () =>
    (direct ??= uploadConfigOnce(api).then(
      (config) => (config.mode === 'direct' ? makeDirect(config.maxBytes) : null),
      () => {
        direct = null; // ask again next time; this file takes the server path, which always exists
        return null;
      },
    ));

  const once: UploadFn = async (file, onProgress, signal) => {
    const uploader = fellBack ? null : await directUploader();
    if (uploader) {
      try {
        return await uploader.upload(file, onProgress, signal);
      } catch (err) {
        if (!(err instanceof StsUnavailableError)) throw err;
        if (!fellBack) onFallback();
        fellBack = true;
      }
    }
    return api.upload(file, onProgress, signal);
  };

  // A busy server (every upload slot of the process taken) says when to come back: the file
  // waits that long and tries again a few times before the merchant sees the error.
  return async (file, onProgress, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(file, onProgress, signal);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'UPLOADS_BUSY') || attempt >= BUSY_RETRIES) throw err;
        onProgress(0);
        await pause((err.retryAfterSeconds ?? 2) * 1000, signal);
      }
    }
  };
}
