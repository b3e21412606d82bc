import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { DataSource } from 'typeorm';
import type { Db } from '../../db/transaction';
import { NotFoundError, PayloadTooLargeError, UnsupportedMediaError, ValidationError } from '../../errors/app-error';
import { ACCEPTED_FORMATS, inputKey, inputPrefix, isAcceptedFormat, type AcceptedFormat } from './media.config';
import type { StorageService } from './storage.service';
import type { UploadRow, UploadsRepository } from './uploads.repository';

/** The `POST /uploads` answer (docs/architecture.md §7 promises `key`; the rest helps the portal). */
export interface UploadResult {
  key: string;
  width: number;
  height: number;
  size: number;
  mime: string;
}

export interface SniffedImage {
  format: AcceptedFormat;
  mime: string;
  width: number;
  height: number;
}

/**
 * Reads the real type from the bytes (never the file name or the client's Content-Type).
 * Only the header is parsed; no pixels are decoded here.
 */
export async function sniffImage(bytes: Buffer): Promise<SniffedImage> {
  // sharp() itself throws (not rejects) on some inputs, e.g. an empty buffer.
  const meta = await Promise.resolve()
    .then(() => sharp(bytes).metadata())
    .catch(() => null);
  const format: string | undefined = meta?.format;
  if (!meta || !isAcceptedFormat(format) || !meta.width || !meta.height) throw new UnsupportedMediaError();
  // autoOrient applies the EXIF rotation: the size a viewer (and basic_clean) will see.
  const { width, height } = meta.autoOrient ?? meta;
  return { format, mime: ACCEPTED_FORMATS[format].mime, width, height };
}

/**
 * Merchant media: stores uploads under the owner's prefix, deduplicated by content, and
 * guards what task inputs may reference.
 */
export class MediaService {
  constructor(
    private readonly ds: DataSource,
    private readonly storage: StorageService,
    private readonly uploads: UploadsRepository,
  ) {}

  /** Stores an uploaded image as `input/<userId>/<sha256>.<ext>` (same bytes: the earlier key, no second write). */
  async upload(userId: string, bytes: Buffer): Promise<UploadResult & { created: boolean }> {
    return this.register(userId, bytes, async (image, sha256) => {
      const key = inputKey(userId, sha256, image.format);
      await this.storage.put(key, bytes, image.mime);
      return key;
    });
  }

  /**
   * The one path from bytes to an `uploads` row: sniff the real type, answer an earlier upload of
   * the same content (`created: false`), else let `store` put the object (or name the one already
   * there) and record it. The object exists before its row, so a row always points at stored bytes.
   */
  private async register(
    userId: string,
    bytes: Buffer,
    store: (image: SniffedImage, sha256: string) => Promise<string>,
  ): Promise<UploadResult & { created: boolean }> {
    const image = await sniffImage(bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await this.uploads.findByUserAndSha(this.ds.manager, userId, sha256);
    if (existing) return { ...toResult(existing), created: false };
    const key = await store(image, sha256);
    const { row, created } = await this.uploads.insertOnce(this.ds.manager, {
      user_id: userId,
      storage_key: key,
      sha256,
      size: bytes.length,
      mime: image.mime,
      width: image.width,
      height: image.height,
    });
    return { ...toResult(row), created };
  }

  /**
   * Registers an image the browser put straight into storage with STS credentials: the key must
   * lie under the caller's prefix, the bytes are read back and sniffed like a server upload, and
   * the same content already registered answers its existing key (`created: false`).
   */
  async confirmDirectUpload(
    userId: string,
    key: string,
    maxBytes: number,
  ): Promise<UploadResult & { created: boolean }> {
    if (!isPlainKey(key) || !key.startsWith(inputPrefix(userId))) {
      throw new ValidationError('key must be an object you uploaded below your own input/ prefix');
    }
    const stored = await this.storage.head(key);
    if (!stored) throw new NotFoundError('No object with this key; upload it first', 'OBJECT_NOT_FOUND');
    if (stored.size > maxBytes) throw new PayloadTooLargeError(`The image is larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.storage.getStream(key)) chunks.push(chunk as Buffer);
    return this.register(userId, Buffer.concat(chunks), async () => key);
  }

  /**
   * Task inputs are storage keys the caller uploaded: under their own `input/<userId>/`
   * prefix (400 otherwise — URLs and other users' keys never reach a vendor) and recorded in
   * `uploads` (404 otherwise). Pass the transaction's manager to check inside it.
   */
  async assertOwnedInput(userId: string, key: unknown, db: Db = this.ds.manager): Promise<UploadRow> {
    if (typeof key !== 'string' || !isPlainKey(key) || !key.startsWith(inputPrefix(userId))) {
      throw new ValidationError('inputKey must be a key returned by POST /api/v1/uploads for your account');
    }
    const row = await this.uploads.findByUserAndKey(db, userId, key);
    if (!row) throw new NotFoundError('No upload with this key', 'INPUT_NOT_FOUND');
    return row;
  }
}

/** No empty, relative or encoded segments: the key is used verbatim in storage paths. */
function isPlainKey(key: string): boolean {
  return (
    key.length <= 255 &&
    /^[A-Za-z0-9._/-]+$/.test(key) &&
    !key.split('/').some((s) => s === '' || s === '.' || s === '..')
  );
}

function toResult(row: UploadRow): UploadResult {
  return {
    key: row.storage_key,
    width: Number(row.width),
    height: Number(row.height),
    size: Number(row.size),
    mime: row.mime,
  };
}
