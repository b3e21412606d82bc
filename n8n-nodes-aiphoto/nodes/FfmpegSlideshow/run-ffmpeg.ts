// The one module of the package that starts a process and touches the local disk: FFmpeg reads
// its inputs from files and writes the MP4 to a file, in a private temporary folder removed
// afterwards. n8n Cloud's verification would refuse these imports; the package is installed
// privately on AI Photo's own n8n, where Debian's ffmpeg is present (README, "Publishing and installs").
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- see above: FFmpeg runs as a child process
import { spawn } from 'node:child_process';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- see above: FFmpeg reads and writes files
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- see above: the temporary folder
import { tmpdir } from 'node:os';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- see above: file paths
import path from 'node:path';

import { ffmpegArgs, imageExtension, type MusicTrack, type SlideshowOptions } from './slideshow';

/** Why a render did not produce a file; the node turns it into the operator's error text. */
export class RenderError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing-binary' | 'timeout' | 'canceled' | 'failed' | 'bad-image',
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** music/ of the package: two levels up from nodes/FfmpegSlideshow/ (and from dist/nodes/…). */
export function musicPath(track: MusicTrack): string {
  // eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- the bundled tracks ship beside the code
  return path.resolve(__dirname, '..', '..', 'music', `${track}.m4a`);
}

export interface RenderRequest {
  images: Buffer[];
  music?: MusicTrack;
  options: SlideshowOptions;
  /** The FFmpeg binary: a name looked up on PATH, or an absolute path. */
  binary: string;
  timeoutMs: number;
  /** n8n's execution cancel signal: a stopped execution stops FFmpeg. */
  signal?: AbortSignal;
}

const STDERR_KEEP = 4000;

/** Runs FFmpeg with an argv array (no shell), killing it on timeout or cancel. */
function run(binary: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
  return new Promise((resolve, reject) => {
    let stderr = '';
    // The argv is an array and no shell runs: a file name cannot become a command (see slideshow.ts).
    // eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- FFmpeg is the point of this node; see the top of this file
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], signal: abort, killSignal: 'SIGKILL' });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new RenderError(
            `The FFmpeg binary "${binary}" was not found`,
            'missing-binary',
            'Install FFmpeg on the n8n host (Debian: apt-get install ffmpeg) or set Options → FFmpeg Binary to its full path.',
          ),
        );
      } else if (error.name === 'AbortError') {
        if (timeout.aborted) reject(new RenderError(`FFmpeg did not finish within ${timeoutMs / 1000} s`, 'timeout'));
        else reject(new RenderError('The execution was stopped while FFmpeg was rendering', 'canceled'));
      } else {
        reject(new RenderError(`FFmpeg could not be started: ${error.message}`, 'failed'));
      }
    });
    child.on('close', (code, killedBy) => {
      if (code === 0) return resolve();
      // An abort is reported by the 'error' event; a second settle is ignored by the promise.
      if (abort.aborted) return;
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(
        new RenderError(
          `FFmpeg failed (${code === null ? `signal ${killedBy}` : `exit code ${code}`})`,
          'failed',
          last || undefined,
        ),
      );
    });
  });
}

/** Writes the images, renders the MP4 and returns its bytes; the temporary folder is always removed. */
export async function renderSlideshow(request: RenderRequest): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aiphoto-slideshow-'));
  try {
    const imagePaths: string[] = [];
    for (const [index, bytes] of request.images.entries()) {
      const ext = imageExtension(bytes);
      if (!ext) {
        throw new RenderError(
          `Image ${index + 1} is not a JPEG, PNG or WebP file`,
          'bad-image',
          `It starts with bytes ${bytes.subarray(0, 8).toString('hex') || '(none: the file is empty)'}`,
        );
      }
      const file = path.join(dir, `image-${String(index + 1).padStart(2, '0')}.${ext}`);
      await writeFile(file, bytes);
      imagePaths.push(file);
    }
    const output = path.join(dir, 'slideshow.mp4');
    const music = request.music ? musicPath(request.music) : undefined;
    await run(
      request.binary,
      ffmpegArgs(imagePaths, music, output, request.options),
      request.timeoutMs,
      request.signal,
    );
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
