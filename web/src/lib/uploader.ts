/**
 * Chooses how the portal uploads, as the server says (`GET /api/v1/uploads/config`, UPLOAD_MODE):
 * through the backend (`POST /api/v1/uploads`) or straight to COS (direct-upload.ts). When STS
 * answers 503, the page falls back to server uploads for the rest of the visit and says so once.
 */
import type { ApiClient, UploadResult } from '../api';
import { DirectUploader, StsUnavailableError, type DirectApi } from './direct-upload';

export type UploadFn = (
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
) => Promise<UploadResult>;

interface Direct {
  upload: UploadFn;
}

export function createUploader(
  api: Pick<ApiClient, 'upload' | 'uploadConfig'> & DirectApi,
  onFallback: () => void,
  makeDirect: (maxBytes: number) => Direct = (maxBytes) => new DirectUploader(api, maxBytes),
): UploadFn {
  let direct: Promise<Direct | null> | null = null;
  let fellBack = false;
  const directUploader = () =>
    (direct ??= api.uploadConfig().then(
      (config) => (config.mode === 'direct' ? makeDirect(config.maxBytes) : null),
      () => {
        direct = null; // ask again next time; this file takes the server path, which always exists
        return null;
      },
    ));

  return async (file, onProgress, signal) => {
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
}
