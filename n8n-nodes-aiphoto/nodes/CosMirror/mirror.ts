import { NodeOperationError, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { cosApiError } from '../../common/cos-errors';
import { cosRequest } from '../../transport/cos';
import { downloadFile } from '../../transport/download';

const EXT_BY_CONTENT_TYPE: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
};

const CONTENT_TYPE_BY_EXT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
};

/** Extension from the URL path (query strings of signed URLs ignored), lower-case, or undefined. */
export function extensionFromUrl(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /\.([a-z0-9]{2,5})$/i.exec(pathname);
  return match ? match[1].toLowerCase() : undefined;
}

export function extensionFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  return EXT_BY_CONTENT_TYPE[contentType.split(';')[0].trim().toLowerCase()];
}

/** `<prefix><NN>.<ext>`, NN counting from 01 so keys sort in vendor order. */
export function mirrorKey(outputPrefix: string, index: number, ext: string): string {
  const prefix = outputPrefix.replace(/^\/+/, '');
  const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return `${folder}${String(index + 1).padStart(2, '0')}.${ext}`;
}

/** Accepts what an expression may produce: an array, a JSON array string, or one URL per line. */
export function parseUrlList(value: unknown, ctx: IExecuteFunctions, itemIndex: number): string[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        list = JSON.parse(text);
      } catch {
        throw new NodeOperationError(ctx.getNode(), 'File URLs is not a valid JSON array', { itemIndex });
      }
    } else {
      list = text.split(/[\n,]+/);
    }
  }
  if (!Array.isArray(list)) {
    throw new NodeOperationError(ctx.getNode(), 'File URLs must be a list of URLs', {
      itemIndex,
      description: 'Map it from RunningHub "Get Outputs", e.g. {{ $json.fileUrls }}',
    });
  }
  const urls = list.map((entry) =>
    typeof entry === 'object' && entry !== null ? (entry as { fileUrl?: unknown }).fileUrl : entry,
  );
  return urls.map((url) => String(url ?? '').trim()).filter((url) => url !== '');
}

async function objectExists(ctx: IExecuteFunctions, key: string, itemIndex: number): Promise<boolean> {
  const response = await cosRequest(ctx, { method: 'HEAD', key });
  if (response.statusCode === 404) return false;
  if (response.statusCode >= 200 && response.statusCode < 300) return true;
  throw cosApiError(ctx.getNode(), response.statusCode, response.body, `Checking ${key} in COS`, itemIndex);
}

export interface MirrorOutcome {
  key: string;
  skipped: boolean;
}

async function put(
  ctx: IExecuteFunctions,
  key: string,
  contentType: string,
  body: Buffer,
  itemIndex: number,
): Promise<void> {
  const response = await cosRequest(ctx, { method: 'PUT', key, headers: { 'Content-Type': contentType }, body });
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw cosApiError(ctx.getNode(), response.statusCode, response.body, `Storing ${key} in COS`, itemIndex);
  }
}

/**
 * Stores an item's binary field as `<prefix>01.<ext>` (the extension from its MIME type, else its
 * file name). Idempotent by key like mirrorOne: a retried execution finds the object and skips it.
 */
export async function mirrorBinary(
  ctx: IExecuteFunctions,
  meta: IBinaryData,
  field: string,
  outputPrefix: string,
  itemIndex: number,
): Promise<MirrorOutcome> {
  const ext =
    extensionFromContentType(meta.mimeType) ??
    (meta.fileName ? extensionFromUrl(`file:///${meta.fileName}`) : undefined) ??
    'bin';
  const key = mirrorKey(outputPrefix, 0, ext);
  if (await objectExists(ctx, key, itemIndex)) return { key, skipped: true };
  const body = await ctx.helpers.getBinaryDataBuffer(itemIndex, field);
  await put(ctx, key, CONTENT_TYPE_BY_EXT[ext] ?? meta.mimeType ?? 'application/octet-stream', body, itemIndex);
  return { key, skipped: false };
}

/**
 * Mirrors one vendor file. Idempotent by key: when the key already exists (a retried
 * execution) nothing is downloaded or written. Without an extension in the URL the file
 * must be downloaded first to learn its type, then the existence check follows.
 */
export async function mirrorOne(
  ctx: IExecuteFunctions,
  url: string,
  outputPrefix: string,
  index: number,
  itemIndex: number,
): Promise<MirrorOutcome> {
  const urlExt = extensionFromUrl(url);
  if (urlExt) {
    const key = mirrorKey(outputPrefix, index, urlExt);
    if (await objectExists(ctx, key, itemIndex)) return { key, skipped: true };
  }
  const file = await downloadFile(ctx, url, itemIndex);
  const ext = urlExt ?? extensionFromContentType(file.contentType) ?? 'bin';
  const key = mirrorKey(outputPrefix, index, ext);
  if (!urlExt && (await objectExists(ctx, key, itemIndex))) return { key, skipped: true };
  const contentType = CONTENT_TYPE_BY_EXT[ext] ?? file.contentType ?? 'application/octet-stream';
  await put(ctx, key, contentType, file.data, itemIndex);
  return { key, skipped: false };
}
