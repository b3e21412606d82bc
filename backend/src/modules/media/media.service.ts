import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { DataSource } from 'typeorm';
import {
  AppError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaError,
  ValidationError,
} from '../../errors/app-error';
import type { ConcurrencyGate } from '../../infra/concurrency-gate';
import { readCapped } from '../../infra/read-capped';
import { ACCEPTED_FORMATS, inputKey, inputPrefix, isAcceptedFormat, type AcceptedFormat } from './media.config';
import type { StorageService } from './storage.service';
import { cleanUploadName } from './upload-name';
import type { Upload, UploadsRepository } from './uploads.repository';

/** The `POST /uploads` answer (docs/architecture.md §7 promises `key`; the rest helps the portal). */
export interface UploadResult {
  key: string;
  width: number;
  height: number;
  size: number;
  mime: string;
  /** The file name the image came with (cleaned), null when none was given. */
  name: string | null;
}

export interface SniffedImage {
  format: AcceptedFormat;
  mime: string;
  width: number;
  height: number;
}

/** What every stored image must pass (UPLOAD_MAX_PIXELS). */
export interface ImageLimits {
  /** Largest width × height; larger images are refused before any pixel is decoded. */
  maxPixels: number;
}

/**
 * Reads the real type from the bytes (never the file name or the client's Content-Type), refuses
 * an image of more than `maxPixels` from its header alone (a 100 KB PNG can declare 10000×10000:
 * a decompression bomb), then decodes every pixel once, so a truncated or damaged file is refused
 * here (400 IMAGE_CORRUPT) and never stored or handed to a vendor. The decode streams through
 * libvips (sequential read, statistics only), so it holds a few rows, not the whole bitmap.
 */
export async function inspectImage(bytes: Buffer, limits: ImageLimits): Promise<SniffedImage> {
  // sharp() itself throws (not rejects) on some inputs, e.g. an empty buffer.
  const meta = await Promise.resolve()
    .then(() => sharp(bytes).metadata())
    .catch(() => null);
  const format: string | undefined = meta?.format;
  if (!meta || !isAcceptedFormat(format) || !meta.width || !meta.height) throw new UnsupportedMediaError();
  if (meta.width * meta.height > limits.maxPixels) {
    throw new AppError(
      413,
      'IMAGE_TOO_MANY_PIXELS',
      `The image is ${meta.width}×${meta.height} pixels; at most ${limits.maxPixels} pixels are accepted`,
    );
  }
  const decoded = await Promise.resolve()
    .then(() => sharp(bytes, { failOn: 'error', limitInputPixels: limits.maxPixels, sequentialRead: true }).stats())
    .then(
      () => true,
      () => false,
    );
  if (!decoded) throw new AppError(400, 'IMAGE_CORRUPT', 'The image is truncated or damaged and cannot be decoded');
  // autoOrient applies the EXIF rotation: the size a viewer (and basic_clean) will see.
  const { width, height } = meta.autoOrient ?? meta;
  return { format, mime: ACCEPTED_FORMATS[format].mime, width, height };
}

/** The upload limits a MediaService enforces. */
export type MediaLimits = ImageLimits & {
  /** UPLOAD_MAX_BYTES: also the cap while reading a direct upload back. */
  maxBytes: number;
  /**
   * Uploads whose bytes are held in memory at once (UPLOAD_CONCURRENCY, UPLOAD_QUEUE): the
   * multipart route takes a slot before parsing, URL uploads and confirmations inside.
   */
  slots: ConcurrencyGate;
};

export interface MediaServiceDeps {
  ds: DataSource;
  storage: StorageService;
  uploads: UploadsRepository;
  limits: MediaLimits;
}

/**
 * Merchant media: stores uploads under the owner's prefix, deduplicated by content, and
 * guards what task inputs may reference.
 */
export class MediaService {
  private readonly ds: DataSource;
  private readonly storage: StorageService;
  private readonly uploads: UploadsRepository;
  private readonly limits: MediaLimits;

  constructor(deps: MediaServiceDeps) {
    this.ds = deps.ds;
    this.storage = deps.storage;
    this.uploads = deps.uploads;
    this.limits = deps.limits;
  }

  /** The slots of in-memory uploads, shared by every upload route of this process. */
  get slots(): ConcurrencyGate {
    return this.limits.slots;
  }

  /**
   * Stores an uploaded image as `input/<userId>/<sha256>.<ext>` (same bytes: the earlier key, no
   * second write). The caller holds an upload slot for the bytes it passes.
   */
  async upload(userId: string, bytes: Buffer, name?: string | null): Promise<UploadResult & { created: boolean }> {
    return this.register(userId, bytes, name, async (image, sha256) => {
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
    rawName: string | null | undefined,
    store: (image: SniffedImage, sha256: string) => Promise<string>,
  ): Promise<UploadResult & { created: boolean }> {
    const image = await inspectImage(bytes, this.limits);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const name = cleanUploadName(rawName);
    const existing = await this.uploads.findByUserAndSha(this.ds.manager, userId, sha256);
    if (existing) {
      if (name !== null && name !== existing.originalName) {
        await this.uploads.rename(this.ds.manager, existing.id, name);
        existing.originalName = name;
      }
      return { ...toResult(existing), created: false };
    }
    const key = await store(image, sha256);
    const { row, created } = await this.uploads.insertOnce(this.ds.manager, {
      userId,
      storageKey: key,
      sha256,
      size: bytes.length,
      mime: image.mime,
      width: image.width,
      height: image.height,
      originalName: name,
    });
    return { ...toResult(row), created };
  }

  /**
   * Registers an image the browser put straight into storage with STS credentials: the key must
   * lie under the caller's prefix, the bytes are read back and inspected like a server upload, and
   * the same content already registered answers its existing key (`created: false`). The read is
   * capped at UPLOAD_MAX_BYTES whatever HEAD said: the object can be replaced between the two
   * requests (or grown by a multipart upload), so the size that counts is the bytes that arrive.
   * It holds one upload slot while the bytes are in memory.
   */
  async confirmDirectUpload(
    userId: string,
    key: string,
    name?: string | null,
  ): Promise<UploadResult & { created: boolean }> {
    if (!isPlainKey(key) || !key.startsWith(inputPrefix(userId))) {
      throw new ValidationError('key must be an object you uploaded below your own input/ prefix');
    }
    const { maxBytes } = this.limits;
    const tooLarge = () => new PayloadTooLargeError(`The image is larger than ${maxBytes} bytes`);
    const stored = await this.storage.head(key);
    if (!stored) throw new NotFoundError('No object with this key; upload it first', 'OBJECT_NOT_FOUND');
    if (stored.size > maxBytes) throw tooLarge();
    return this.limits.slots.run(async () => {
      const abort = new AbortController();
      try {
        const bytes = await readCapped(await this.storage.getStream(key, abort.signal), maxBytes, tooLarge);
        return await this.register(userId, bytes, name, async () => key);
      } finally {
        abort.abort(); // a read stopped at the cap closes the transfer instead of draining it
      }
    });
  }

  /**
   * Task inputs are storage keys the caller uploaded: under their own `input/<userId>/`
   * prefix (400 otherwise — URLs and other users' keys never reach a vendor) and recorded in
   * `uploads` (404 otherwise). `read`: the caller's own read of this user's row for this key
   * (a create's one read, tasks/create-reads.repository.ts), judged the same way instead of reading again.
   */
  async assertOwnedInput(userId: string, key: unknown, read?: { row: Upload | null }): Promise<Upload> {
    if (typeof key !== 'string' || !isPlainKey(key) || !key.startsWith(inputPrefix(userId))) {
      throw new ValidationError('inputKey must be a key returned by POST /api/v1/uploads for your account');
    }
    const row = read ? read.row : await this.uploads.findByUserAndKey(this.ds.manager, userId, key);
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

function toResult(row: Upload): UploadResult {
  return {
    key: row.storageKey,
    width: Number(row.width),
    height: Number(row.height),
    size: Number(row.size),
    mime: row.mime,
    name: row.originalName ?? null,
  };
}
