import type { Readable } from 'node:stream';
import archiver from 'archiver';
import type { Response } from 'express';
import type { Logger } from '../../infra/logger';
import { ObjectNotFoundError, type StorageService } from './storage.service';

export interface ZipEntry {
  /** Path inside the archive, e.g. `task-1/01.png`. */
  name: string;
  /** Storage key of the object. */
  key: string;
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // RFC 5987 attr-chars exclude ' ( ) *, which encodeURIComponent leaves alone.
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Archive paths may not climb out of the extraction folder or be absolute. */
export function safeEntryName(name: string): string {
  const parts = name
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.' && p !== '..');
  return parts.join('/') || 'file';
}

/**
 * Streams stored objects as one ZIP download. Objects are fetched one at a time and piped
 * through, so memory stays flat whatever the batch size. Images are already compressed:
 * entries are stored, not deflated. A missing object is skipped and listed in `MISSING.txt`
 * so the user still gets a valid archive.
 */
export class ZipService {
  constructor(
    private readonly storage: StorageService,
    private readonly logger: Logger,
  ) {}

  async stream(res: Response, fileName: string, entries: Array<{ name: string; key: string }>): Promise<void> {
    const archive = archiver('zip', { store: true });
    const aborter = new AbortController();
    let current: Readable | null = null;
    let failure: Error | null = null;
    const onClose = () => {
      // The client went away: stop reading from storage.
      if (!res.writableFinished) {
        aborter.abort();
        current?.destroy();
        archive.abort();
      }
    };
    res.once('close', onClose);
    archive.on('warning', (err) => this.logger.warn({ err }, 'zip warning'));
    archive.on('error', (err) => {
      failure = err;
    });

    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', attachmentHeader(fileName));
    res.setHeader('Cache-Control', 'private, no-store');
    archive.pipe(res);

    const missing: string[] = [];
    const used = new Set<string>();
    try {
      for (const entry of entries) {
        if (aborter.signal.aborted || failure) break;
        const name = uniqueName(safeEntryName(entry.name), used);
        try {
          current = await this.storage.getStream(entry.key, aborter.signal);
        } catch (err) {
          if (!(err instanceof ObjectNotFoundError)) throw err;
          missing.push(name);
          continue;
        }
        await appendAndWait(archive, current, name, aborter.signal);
        current = null;
      }
      if (missing.length && !aborter.signal.aborted) {
        const note = `These files could not be found in storage and are not in this archive:\n${missing.map((n) => `- ${n}`).join('\n')}\n`;
        archive.append(note, { name: uniqueName('MISSING.txt', used) });
      }
      if (!aborter.signal.aborted) await archive.finalize();
      if (failure) throw failure;
    } catch (err) {
      if (aborter.signal.aborted) return;
      // Headers are out already; a cut connection is the only honest signal left.
      this.logger.error({ err, fileName }, 'zip download failed');
      current?.destroy();
      archive.abort();
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    } finally {
      res.off('close', onClose);
    }
  }
}

/** Appends one stream and resolves when archiver has written it (one open object at a time). */
function appendAndWait(archive: archiver.Archiver, source: Readable, name: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      archive.off('entry', onEntry);
      archive.off('error', onError);
      source.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onEntry = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    // An aborted archive never reports the entry; without this the download would hang.
    const onAbort = () => onError(new Error('download aborted'));
    signal.addEventListener('abort', onAbort);
    archive.on('entry', onEntry);
    archive.on('error', onError);
    source.on('error', onError);
    archive.append(source, { name });
  });
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) {
    const dot = name.lastIndexOf('.');
    candidate = dot > 0 ? `${name.slice(0, dot)} (${i})${name.slice(dot)}` : `${name} (${i})`;
  }
  used.add(candidate);
  return candidate;
}
