/** Saves a blob under a file name (the `download` attribute only works for same-origin or blob URLs). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Result images live on the storage origin (signed URLs, CORS open), so fetch then save. */
export async function downloadUrl(url: string, fileName: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`download failed (${res.status})`);
  saveBlob(await res.blob(), fileName);
}

/** `main.jpg`, `01.png`: the last path segment of a signed URL, without its query. */
export function fileNameOf(url: string, fallback: string): string {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last ? decodeURIComponent(last) : fallback;
  } catch {
    return fallback;
  }
}

/** A downloaded file and the name to save it under. */
export interface NamedBlob {
  blob: Blob;
  fileName: string;
}

/**
 * The file name of a `Content-Disposition` header: the UTF-8 `filename*` (RFC 5987) when there is
 * one (`白T恤.zip`), else the plain `filename`, else `fallback`.
 */
export function fileNameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // a broken encoding: fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header) ?? /filename\s*=\s*([^;]+)/i.exec(header);
  return plain?.[1].trim() || fallback;
}

/** The download name of result `i` of a task (`白T恤_pose01.png`), as the server names it. */
export function resultNameOf(task: { resultNames?: string[]; resultUrls: string[] }, i: number, fallback: string) {
  return task.resultNames?.[i] ?? fileNameOf(task.resultUrls[i] ?? '', fallback);
}
