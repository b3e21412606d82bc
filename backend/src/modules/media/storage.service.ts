import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import COS from 'cos-nodejs-sdk-v5';
import type { AppConfig } from '../../config/config';
import { NotFoundError } from '../../errors/app-error';
import { SignedUrlCache, type SignedUrl } from './signed-url-cache';

export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
  etag: string;
}

export interface StorageLocation {
  bucket: string;
  region: string;
}

/** Thrown by `getStream` when the object does not exist (ZIP downloads skip such entries). */
export class ObjectNotFoundError extends NotFoundError {
  constructor(readonly key: string) {
    super('The stored object does not exist', 'OBJECT_NOT_FOUND');
  }
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The one place that talks to object storage. Keys are the contract shared with tasks and
 * the n8n nodes (`input/<userId>/<sha256>.<ext>`, `output/<userId>/<taskId>/…`, see
 * docs/DEVELOPMENT.md). The same cos-nodejs-sdk-v5 client serves real COS and the sandbox,
 * so signatures are exercised identically in both modes.
 */
export class StorageService {
  private readonly signed = new SignedUrlCache();

  constructor(
    private readonly cos: COS,
    readonly location: StorageLocation,
  ) {}

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.cos.putObject({
      Bucket: this.location.bucket,
      Region: this.location.region,
      Key: key,
      Body: body,
      ContentType: contentType,
      ContentLength: body.length,
    });
  }

  /** Removes an object (no error when it is already gone). */
  async delete(key: string): Promise<void> {
    await this.cos.deleteObject({ Bucket: this.location.bucket, Region: this.location.region, Key: key });
  }

  /** Metadata of an object, or null when it does not exist. */
  async head(key: string): Promise<StoredObject | null> {
    try {
      const res = await this.cos.headObject({ Bucket: this.location.bucket, Region: this.location.region, Key: key });
      const headers = res.headers ?? {};
      return {
        key,
        size: Number(headers['content-length'] ?? 0),
        contentType: String(headers['content-type'] ?? 'application/octet-stream'),
        etag: res.ETag,
      };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  /** A short-lived signed GET URL (for browsers, vendors and n8n); see SignedUrlCache for reuse. */
  signedUrl(key: string, ttlSeconds: number): string {
    return this.signedUrlReuse(key, ttlSeconds).url;
  }

  /** The same URL, with the last instant this service will answer it again (SignedUrlCache.entry). */
  signedUrlReuse(key: string, ttlSeconds: number): SignedUrl {
    const expires = Math.max(1, Math.floor(ttlSeconds));
    return this.signed.entry(key, expires, () =>
      this.cos.getObjectUrl(
        { Bucket: this.location.bucket, Region: this.location.region, Key: key, Sign: true, Expires: expires },
        () => undefined,
      ),
    );
  }

  /**
   * The object's bytes as a stream, resolved once the response status is known, so a caller
   * can tell "missing" from "broken" before writing anything. It fetches a signed URL instead
   * of using the SDK's getObjectStream, which pipes an error response's XML body into the
   * stream it returns.
   */
  async getStream(key: string, signal?: AbortSignal): Promise<Readable> {
    const res = await fetch(this.signedUrl(key, 300), { signal });
    if (res.status === 404) {
      await res.body?.cancel();
      throw new ObjectNotFoundError(key);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`object storage answered ${res.status} for GET ${key}`);
    }
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  }
}

/**
 * Builds the storage client for the configured mode: the sandbox on loopback (`SANDBOX_URL`,
 * plain HTTP, fixed host) or the real bucket. Live mode without credentials fails at start-up
 * naming the missing variables instead of failing on the first upload.
 */
export function createStorageService(config: AppConfig): StorageService {
  const { secretId, secretKey, bucket, region } = config.storage;
  const missing = [
    ['COS_SECRET_ID', secretId],
    ['COS_SECRET_KEY', secretKey],
    ['COS_BUCKET', bucket],
  ]
    .filter(([, v]) => !v)
    .map(([name]) => name);
  if (missing.length || !secretId || !secretKey || !bucket) {
    throw new Error(`VENDOR_MODE=${config.vendors.mode} needs the object storage settings: ${missing.join(', ')}`);
  }
  const options: COS.COSOptions = { SecretId: secretId, SecretKey: secretKey, Timeout: 60_000 };
  if (config.vendors.mode === 'sandbox') {
    const url = new URL(config.vendors.sandboxUrl);
    options.Domain = url.host;
    options.Protocol = url.protocol === 'https:' ? 'https:' : 'http:';
  }
  return new StorageService(new COS(options), { bucket, region });
}
