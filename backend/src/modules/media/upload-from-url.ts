import { fetchPublic } from '../../infra/public-fetch';
import type { RateLimiter } from '../auth/rate-limit';
import type { FromUrlConfig } from './from-url.config';
import type { MediaService, UploadResult } from './media.service';

/**
 * `POST /api/v1/uploads/from-url`: our servers download an image a merchant names, so the same
 * SSRF guard as webhooks applies (infra/public-url-guard.ts, at the request and at connect, every
 * redirect re-checked), with a byte cap while reading and a per-merchant rate limit. The bytes
 * then take the one upload path (MediaService.upload): type sniffed from the bytes, the image
 * checks every upload gets, deduplicated by content, the same record as a file upload.
 */
export class UrlUploads {
  constructor(
    private readonly media: MediaService,
    private readonly limiter: RateLimiter,
    private readonly config: FromUrlConfig,
  ) {}

  async upload(userId: string, url: string): Promise<UploadResult & { created: boolean }> {
    await this.limiter.consume(
      `upload-url:${userId}`,
      this.config.perMinute,
      60,
      `At most ${this.config.perMinute} images by URL per minute`,
    );
    // The downloaded bytes are held in memory like a multipart upload's: one upload slot.
    return this.media.slots.run(async () => {
      const { bytes } = await fetchPublic(url, {
        allowPrivate: this.config.allowPrivate,
        privateCode: 'URL_PRIVATE',
        maxBytes: this.config.maxBytes,
        timeoutMs: this.config.timeoutMs,
      });
      return this.media.upload(userId, bytes, nameInUrl(url));
    });
  }
}

/** `https://shop.example/img/%E7%99%BDT.jpg?x=1` → `白T.jpg`: the last path segment, if any. */
export function nameInUrl(url: string): string | null {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    return last ? decodeURIComponent(last) : null;
  } catch {
    return null;
  }
}
