/**
 * The slideshow as FFmpeg arguments: pure functions, no process or file system, so the plan is
 * tested on its own and the runner only executes it. Every value reaches FFmpeg as its own argv
 * entry (never through a shell); the only text built here is the filter graph, from numbers and
 * our own stream labels.
 */

/** The bundled tracks (music/<name>.m4a, made with FFmpeg itself; music/README.md). */
export const MUSIC_TRACKS = ['calm', 'bright'] as const;
export type MusicTrack = (typeof MUSIC_TRACKS)[number];

export function isMusicTrack(value: string): value is MusicTrack {
  return (MUSIC_TRACKS as readonly string[]).includes(value);
}

export interface SlideshowOptions {
  width: number;
  height: number;
  /** Length of the whole video in seconds. */
  durationSeconds: number;
  /** Length of each crossfade in seconds (shortened when the images are many). */
  transitionSeconds: number;
  fps: number;
}

export const DEFAULT_OPTIONS: SlideshowOptions = {
  width: 1080,
  height: 1440,
  durationSeconds: 15,
  transitionSeconds: 0.6,
  fps: 25,
};

export const MAX_IMAGES = 50;

export interface Timing {
  /** How long each image's clip lasts, crossfades included. */
  clipSeconds: number;
  /** The crossfade actually used. */
  transitionSeconds: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * N clips that overlap by one crossfade each fill the duration: N·clip − (N−1)·fade = total.
 * A fade never takes more than half a clip, so every image is seen still for a moment.
 */
export function timing(images: number, options: SlideshowOptions): Timing {
  if (images < 1) throw new Error('A slideshow needs at least one image');
  if (images === 1) return { clipSeconds: options.durationSeconds, transitionSeconds: 0 };
  let fade = options.transitionSeconds;
  let clip = (options.durationSeconds + (images - 1) * fade) / images;
  if (fade > clip / 2) {
    // total = N·clip − (N−1)·clip/2 → clip = 2·total / (N+1)
    clip = (2 * options.durationSeconds) / (images + 1);
    fade = clip / 2;
  }
  return { clipSeconds: round3(clip), transitionSeconds: round3(fade) };
}

/**
 * Each image decoded and fitted inside the frame on white once, then repeated as a still clip
 * (`loop` of one frame: far cheaper than looping the file and scaling every frame), then the clips
 * chained with `xfade` (filter_complex text).
 */
export function filterGraph(images: number, options: SlideshowOptions): string {
  const { clipSeconds, transitionSeconds } = timing(images, options);
  const { width: w, height: h, fps } = options;
  const frames = Math.max(1, Math.round(clipSeconds * fps));
  const parts: string[] = [];
  for (let i = 0; i < images; i++) {
    parts.push(
      `[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease,` +
        `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=white,setsar=1,format=yuv420p,` +
        `loop=loop=${frames - 1}:size=1:start=0,setpts=N/${fps}/TB,fps=${fps}[s${i}]`,
    );
  }
  let last = 's0';
  for (let i = 1; i < images; i++) {
    const out = i === images - 1 ? 'vout' : `x${i}`;
    const offset = round3(i * (clipSeconds - transitionSeconds));
    parts.push(`[${last}][s${i}]xfade=transition=fade:duration=${transitionSeconds}:offset=${offset}[${out}]`);
    last = out;
  }
  if (images === 1) parts.push('[s0]null[vout]');
  return parts.join(';');
}

/**
 * The whole argv after the binary: the images (one frame each), the optional music track, the
 * graph, and an MP4 that plays in every browser: H.264 (yuv420p), AAC, `moov` first (faststart).
 */
export function ffmpegArgs(
  imagePaths: string[],
  musicPath: string | undefined,
  outputPath: string,
  options: SlideshowOptions,
): string[] {
  const total = options.durationSeconds;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  for (const image of imagePaths) args.push('-i', image);
  let graph = filterGraph(imagePaths.length, options);
  if (musicPath) {
    // Looped, so a video longer than the track still has music to its end.
    args.push('-stream_loop', '-1', '-i', musicPath);
    const fadeStart = Math.max(0, total - 1);
    graph += `;[${imagePaths.length}:a]atrim=duration=${total},afade=t=out:st=${fadeStart}:d=1,asetpts=PTS-STARTPTS[aout]`;
  }
  args.push('-filter_complex', graph, '-map', '[vout]');
  if (musicPath) args.push('-map', '[aout]', '-c:a', 'aac', '-b:a', '96k');
  args.push(
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(options.fps),
    '-t',
    String(total),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    outputPath,
  );
  return args;
}

/** The image format from its first bytes (FFmpeg's image reader picks its decoder by extension). */
export function imageExtension(bytes: Buffer): 'jpg' | 'png' | 'webp' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  return undefined;
}
