import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import { ConcurrencyGate } from '../../infra/concurrency-gate';
import type { ApiKeyResolver } from '../auth/auth.middleware';
import type { JwtService } from '../auth/jwt.service';
import { RateLimiter } from '../auth/rate-limit';
import { MediaService } from './media.service';
import { mediaRoutes } from './media.routes';
import { createStorageService, type StorageService } from './storage.service';
import { StsService } from './sts.service';
import { UrlUploads } from './upload-from-url';
import { UploadsRepository } from './uploads.repository';
import { ZipService } from './zip.service';

export interface MediaApi {
  /** Object storage (keys, signed URLs, streams) for tasks and downloads. */
  storage: StorageService;
  /** Uploads and `assertOwnedInput` for task creation. */
  media: MediaService;
  /** ZIP downloads of stored objects. */
  zip: ZipService;
}

/**
 * Builds the media component. Nothing here touches the network at construction, so the app
 * starts even while the sandbox (or COS) is still coming up. Pass `storage` to share one
 * client or to substitute a fake in tests.
 */
export function createMediaModule(
  ctx: AppContext,
  deps: { jwt: JwtService; storage?: StorageService; apiKeys?: ApiKeyResolver },
): Module<MediaApi> {
  const storage = deps.storage ?? createStorageService(ctx.config);
  const limits = ctx.config.limits;
  const media = new MediaService({
    ds: ctx.db,
    storage,
    uploads: new UploadsRepository(),
    limits: {
      maxBytes: ctx.config.storage.uploadMaxBytes,
      maxPixels: ctx.config.storage.uploadMaxPixels,
      slots: new ConcurrencyGate(limits.uploadConcurrency, limits.uploadQueue, {
        code: 'UPLOADS_BUSY',
        message: 'Too many uploads are being processed; try again in a moment',
        retryAfterSeconds: 2,
      }),
    },
  });
  const sts = new StsService(
    ctx.config.storage,
    ctx.config.vendors.mode,
    ctx.config.vendors.sandboxUrl,
    ctx.logger.child({ component: 'sts' }),
  );
  const zip = new ZipService(storage, ctx.logger.child({ component: 'zip' }));
  const router = mediaRoutes(ctx.openapi, {
    jwt: deps.jwt,
    apiKeys: deps.apiKeys,
    media,
    sts,
    urlUploads: new UrlUploads(media, new RateLimiter(ctx.kv), ctx.config.fromUrl),
    uploadMaxBytes: ctx.config.storage.uploadMaxBytes,
    uploadMaxPixels: ctx.config.storage.uploadMaxPixels,
    uploadMode: ctx.config.storage.uploadMode,
  });
  return { name: 'media', router, api: { storage, media, zip } };
}
