/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- the test makes pictures with ffmpeg and checks the video with ffprobe */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NodeOperationError, type IBinaryData, type IDataObject } from 'n8n-workflow';

import { fakeExecuteContext } from '../../../test-helpers/fake-context';
import { FfmpegSlideshow, imageUrls } from '../FfmpegSlideshow.node';
import { DEFAULT_OPTIONS, ffmpegArgs, imageExtension, timing } from '../slideshow';

/**
 * Renders real MP4s with the machine's FFmpeg (Debian's /usr/bin/ffmpeg) and checks them with
 * ffprobe: the length, the frame size, the streams and that `moov` comes before `mdat` (faststart).
 */

const work = mkdtempSync(path.join(tmpdir(), 'slideshow-test-'));

/** Test pictures made by FFmpeg itself: solid colours of different sizes and formats. */
function picture(name: string, color: string, size: string): Buffer {
  const file = path.join(work, name);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=${color}:s=${size}`,
    '-frames:v',
    '1',
    file,
  ]);
  return readFileSync(file);
}

interface Probe {
  format: { duration: string };
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string }>;
}

function probe(video: Buffer): Probe {
  const file = path.join(work, `probe-${Date.now()}-${Math.random()}.mp4`);
  writeFileSync(file, video);
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration:stream=codec_type,codec_name,width,height,pix_fmt',
    '-of',
    'json',
    file,
  ]);
  return JSON.parse(out.toString('utf8')) as Probe;
}

let server: http.Server;
let base = '';
const files = new Map<string, { body: Buffer; type: string }>();
const images: Buffer[] = [];

beforeAll(async () => {
  images.push(picture('red.png', 'red', '600x800'), picture('blue.jpg', 'blue', '1200x900'));
  images.push(picture('green.png', 'green', '1080x1440'));
  files.set('/r/01.png', { body: images[0], type: 'image/png' });
  files.set('/r/02.jpg', { body: images[1], type: 'image/jpeg' });
  files.set('/r/03.png', { body: images[2], type: 'image/png' });
  files.set('/r/not-an-image.png', { body: Buffer.from('<html>expired</html>'), type: 'text/html' });
  server = http.createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

function run(parameters: IDataObject, binary?: { data: Buffer; meta: IBinaryData }) {
  return new FfmpegSlideshow().execute.call(fakeExecuteContext({ parameters, binary }));
}

describe('FFmpeg Slideshow node (real ffmpeg)', () => {
  it('renders a 15 s 1080×1440 H.264 MP4 from image URLs, silent, moov first', async () => {
    const [[item]] = await run({
      source: 'urls',
      // The trigger's shape: the source task's results as { key, url } items.
      urls: ['01.png', '02.jpg', '03.png'].map((name, i) => ({ key: `o/${i}`, url: `${base}/r/${name}?sig=x` })),
      music: 'none',
      options: {},
    });
    const meta = item.binary?.data as IBinaryData;
    expect(meta.mimeType).toBe('video/mp4');
    expect(meta.fileName).toBe('album.mp4');
    const video = Buffer.from(meta.data, 'base64');
    expect(item.json).toMatchObject({ images: 3, width: 1080, height: 1440, durationSeconds: 15, music: 'none' });
    expect(item.json.bytes).toBe(video.length);

    const info = probe(video);
    expect(Number(info.format.duration)).toBeGreaterThan(14.5);
    expect(Number(info.format.duration)).toBeLessThan(15.5);
    expect(info.streams.map((s) => s.codec_type)).toEqual(['video']);
    expect(info.streams[0]).toMatchObject({ codec_name: 'h264', width: 1080, height: 1440, pix_fmt: 'yuv420p' });
    // faststart: the index precedes the media data, so a browser starts playing before the end arrives.
    expect(video.indexOf('moov')).toBeGreaterThan(0);
    expect(video.indexOf('moov')).toBeLessThan(video.indexOf('mdat'));
  }, 120_000);

  it('adds the chosen bundled track as an AAC stream, images from a binary field', async () => {
    const [[item]] = await run(
      { source: 'binary', binaryFields: 'data', music: 'calm', options: { fileName: 'a.mp4', outputField: 'video' } },
      { data: images[1], meta: { data: '', mimeType: 'image/jpeg', fileName: 'b.jpg' } },
    );
    const meta = item.binary?.video as IBinaryData;
    expect(meta.fileName).toBe('a.mp4');
    const info = probe(Buffer.from(meta.data, 'base64'));
    expect(Number(info.format.duration)).toBeGreaterThan(14.5);
    expect(Number(info.format.duration)).toBeLessThan(15.5);
    expect(info.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
  }, 120_000);

  it('names the missing binary when FFmpeg is not installed', async () => {
    const error = await run({
      source: 'urls',
      urls: [`${base}/r/01.png`],
      music: 'none',
      options: { binary: 'ffmpeg-not-installed-here' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toBe('The FFmpeg binary "ffmpeg-not-installed-here" was not found');
    expect((error as NodeOperationError).description).toMatch(/apt-get install ffmpeg.+FFmpeg Binary/);
  });

  it('stops FFmpeg at the timeout and says so', async () => {
    const error = await run({
      source: 'urls',
      urls: [`${base}/r/01.png`, `${base}/r/02.jpg`],
      music: 'bright',
      options: { timeoutSeconds: 0.2 },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('FFmpeg did not finish within 0.2 s');
  }, 30_000);

  it('refuses a file that is not an image, and an unknown track, before starting FFmpeg', async () => {
    const notImage = await run({
      source: 'urls',
      urls: [`${base}/r/not-an-image.png`],
      music: 'none',
      options: {},
    }).catch((e: unknown) => e);
    expect((notImage as Error).message).toBe('Image 1 is not a JPEG, PNG or WebP file');
    const track = await run({ source: 'urls', urls: [`${base}/r/01.png`], music: 'jazz', options: {} }).catch(
      (e: unknown) => e,
    );
    expect((track as Error).message).toBe('Unknown music "jazz"');
    const none = await run({ source: 'urls', urls: [], music: 'none', options: {} }).catch((e: unknown) => e);
    expect((none as Error).message).toBe('No images for the slideshow');
  });
});

describe('slideshow plan', () => {
  it('fills the duration exactly: N clips overlapping by one crossfade each', () => {
    for (const n of [2, 3, 12, 50]) {
      const { clipSeconds, transitionSeconds } = timing(n, DEFAULT_OPTIONS);
      expect(n * clipSeconds - (n - 1) * transitionSeconds).toBeCloseTo(15, 1);
      expect(transitionSeconds).toBeLessThanOrEqual(clipSeconds / 2);
    }
    expect(timing(1, DEFAULT_OPTIONS)).toEqual({ clipSeconds: 15, transitionSeconds: 0 });
  });

  it('passes every path as its own argument (no shell), the output last', () => {
    const args = ffmpegArgs(['/tmp/a b;rm -rf x.png', '/tmp/c.jpg'], '/m/calm.m4a', '/tmp/out.mp4', DEFAULT_OPTIONS);
    expect(args).toContain('/tmp/a b;rm -rf x.png');
    expect(args.at(-1)).toBe('/tmp/out.mp4');
    expect(args.join(' ')).toContain('-movflags +faststart');
    expect(args.filter((a) => a === '-i')).toHaveLength(3);
  });

  it('reads image formats from their first bytes and URLs from the trigger’s items', () => {
    expect(imageExtension(images[0])).toBe('png');
    expect(imageExtension(images[1])).toBe('jpg');
    expect(imageExtension(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(imageExtension(Buffer.from('GIF89a'))).toBeUndefined();
    expect(imageUrls([{ url: 'http://a/1' }, { fileUrl: 'http://a/2' }, 'http://a/3'])).toEqual([
      'http://a/1',
      'http://a/2',
      'http://a/3',
    ]);
    expect(imageUrls('["http://a/1"]')).toEqual(['http://a/1']);
  });
});
