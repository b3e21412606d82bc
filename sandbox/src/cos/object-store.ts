import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { CosError } from './cos-errors';

export interface StoredObjectMeta {
  contentType: string;
  etag: string;
  size: number;
  lastModified: string;
  /** `x-cos-meta-*` headers, kept and returned as COS does. */
  userMeta: Record<string, string>;
}

const TYPES_BY_EXT: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.zip': 'application/zip',
};

export function contentTypeForKey(key: string): string {
  return TYPES_BY_EXT[extname(key).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Validates an object key so it cannot leave the bucket folder on disk. COS itself allows
 * more (e.g. `..` segments), but our keys are `input/…` and `output/…` only.
 */
export function assertSafeKey(key: string): void {
  const segments = key.split('/');
  if (!key || key.length > 850 || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))) {
    throw new CosError(400, 'InvalidURI', `Invalid object key: ${JSON.stringify(key)}`);
  }
}

/**
 * Objects of the one sandbox bucket on disk: bytes at `<root>/objects/<key>`, metadata at
 * `<root>/meta/<key>.json`. Writes go to a temporary file first so a reader never sees
 * half an object.
 */
export class ObjectStore {
  constructor(private readonly root: string) {}

  private objectPath(key: string): string {
    assertSafeKey(key);
    return join(this.root, 'objects', key);
  }

  private metaPath(key: string): string {
    return join(this.root, 'meta', `${key}.json`);
  }

  async put(
    key: string,
    body: Buffer,
    contentType: string,
    userMeta: Record<string, string> = {},
  ): Promise<StoredObjectMeta> {
    const file = this.objectPath(key);
    const meta: StoredObjectMeta = {
      contentType,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      size: body.length,
      lastModified: new Date().toUTCString(),
      userMeta,
    };
    await atomicWrite(file, body);
    await atomicWrite(this.metaPath(key), Buffer.from(JSON.stringify(meta)));
    return meta;
  }

  async head(key: string): Promise<StoredObjectMeta | undefined> {
    const file = this.objectPath(key);
    try {
      const raw = await readFile(this.metaPath(key), 'utf8');
      return JSON.parse(raw) as StoredObjectMeta;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // Bytes placed on disk by hand (e.g. seed data) still count as objects.
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const body = await readFile(file);
    return {
      contentType: contentTypeForKey(key),
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      size: info.size,
      lastModified: info.mtime.toUTCString(),
      userMeta: {},
    };
  }

  async get(key: string): Promise<{ meta: StoredObjectMeta; body: Buffer } | undefined> {
    const meta = await this.head(key);
    if (!meta) return undefined;
    const body = await readFile(this.objectPath(key)).catch(() => undefined);
    return body ? { meta, body } : undefined;
  }

  /** Like `get`, but answers COS's 404 `NoSuchKey` when the object is missing. */
  async require(key: string): Promise<{ meta: StoredObjectMeta; body: Buffer }> {
    const found = await this.get(key);
    if (!found) throw new CosError(404, 'NoSuchKey', 'The specified key does not exist.');
    return found;
  }

  async delete(key: string): Promise<void> {
    await rm(this.objectPath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }
}

async function atomicWrite(file: string, body: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
}
