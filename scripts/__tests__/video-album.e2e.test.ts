/**
 * The video album (视频相册) end to end, through the public HTTP API on MariaDB + Redis with the real
 * pinned n8n running workflows/video_album.json and Debian's FFmpeg: a merchant's finished 12
 * poses become a 15-second 1080×1440 MP4 in our storage (checked with ffprobe), charged the album's
 * own price; a render that fails is refunded exactly once; the ledger stays consistent.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../backend/src/db/data-source';
import { LedgerService } from '../../backend/src/modules/ledger/ledger.service';
import { putObject } from '../../workflows/__tests__/support/sandbox-client';
import { vendorSettings, type Stack } from '../stack';
import { payMembership, signInMerchant, type Merchant } from '../stack-client';
import { merchantApi, startE2eStack, type E2eStack } from './support/e2e-stack';

jest.setTimeout(240_000);

let e2e: E2eStack;
let stack: Stack;
let ledgerDb: DataSource;
let ledger: LedgerService;
const { call, upload, finished, quota } = merchantApi(() => stack.backend.url, { finishTimeoutMs: 180_000 });

/** A garment shot for the poses: plain red. */
const garment = () =>
  sharp({ create: { width: 900, height: 1000, channels: 3, background: { r: 190, g: 40, b: 50 } } })
    .jpeg()
    .toBuffer();

interface Probe {
  format: { duration: string };
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string }>;
}

function ffprobe(video: Buffer): Probe {
  const file = path.join(e2e.dataDir, `album-${randomUUID()}.mp4`);
  writeFileSync(file, video);
  const args = ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height,pix_fmt'];
  return JSON.parse(execFileSync('ffprobe', [...args, '-of', 'json', file]).toString('utf8')) as Probe;
}

beforeAll(async () => {
  e2e = await startE2eStack({ name: 'video' });
  stack = e2e.stack;
  ledgerDb = createDataSource(e2e.database);
  await ledgerDb.initialize();
  ledger = new LedgerService(ledgerDb);
}, 15 * 60_000);

afterAll(async () => {
  await ledgerDb?.destroy();
  await e2e?.close();
}, 60_000);

describe('the video album against the real n8n and FFmpeg', () => {
  let merchant: Merchant;
  let poses: { id: string; resultUrls: string[] };

  beforeAll(async () => {
    merchant = await signInMerchant(stack);
    expect((await payMembership(stack, merchant.token)).notifyStatus).toBe(204);
    const created = await call('POST', '/api/v1/tasks', merchant.token, {
      type: 'model_pose12',
      inputKey: await upload(merchant, await garment()),
      params: { scene: 'studio', category: 'dress' },
    });
    expect(created.status).toBe(201);
    poses = await finished(merchant, created.body.tasks[0].id, 90_000);
    expect(poses).toMatchObject({ status: 'done' });
    expect(poses.resultUrls).toHaveLength(12);
  });

  it('renders the 12 poses into a 15 s 1080×1440 MP4 with music, stored as video/mp4, at its own price', async () => {
    const before = await quota(merchant);
    const created = await call('POST', '/api/v1/tasks', merchant.token, {
      type: 'video_album',
      inputs: { source: poses.id },
      params: { music: 'calm' },
    });
    expect(created.status).toBe(201);
    expect(await quota(merchant)).toBe(before - 2);
    const started = Date.now();
    const task = await finished(merchant, created.body.tasks[0].id);
    const seconds = (Date.now() - started) / 1000;
    console.log(`video_album: 12 images rendered and stored in ${seconds.toFixed(1)} s`);
    expect(task).toMatchObject({ status: 'done', progress: 100, type: 'video_album' });
    expect(task.resultUrls).toHaveLength(1);
    expect(new URL(task.resultUrls[0]).pathname).toBe(`/output/${merchant.userId}/${task.id}/01.mp4`);

    const res = await fetch(task.resultUrls[0]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const video = Buffer.from(await res.arrayBuffer());
    const info = ffprobe(video);
    expect(Number(info.format.duration)).toBeGreaterThan(14.5);
    expect(Number(info.format.duration)).toBeLessThan(15.5);
    const videoStream = info.streams.find((s) => s.codec_type === 'video');
    expect(videoStream).toMatchObject({ codec_name: 'h264', width: 1080, height: 1440, pix_fmt: 'yuv420p' });
    expect(info.streams.filter((s) => s.codec_type === 'audio').map((s) => s.codec_name)).toEqual(['aac']);
    expect(video.indexOf('moov')).toBeLessThan(video.indexOf('mdat'));
    expect(await ledger.checkInvariant(merchant.userId)).toMatchObject({ ok: true, balance: before - 2 });
  });

  it('refunds a render that fails exactly once (a source image that is no longer an image)', async () => {
    // Another finished set whose 5th result is overwritten with text: FFmpeg Slideshow refuses it.
    const created = await call('POST', '/api/v1/tasks', merchant.token, {
      type: 'model_pose12',
      inputKey: await upload(merchant, await garment()),
      params: { scene: 'studio', category: 'dress' },
    });
    const source = await finished(merchant, created.body.tasks[0].id, 90_000);
    expect(source.status).toBe('done');
    const cos = vendorSettings(e2e.env, e2e.dataDir).cos;
    const key = new URL(source.resultUrls[4]).pathname.slice(1);
    await putObject(
      { url: stack.sandbox.url, secretId: cos.secretId, secretKey: cos.secretKey },
      key,
      Buffer.from('not a picture any more'),
      'text/plain',
    );

    const before = await quota(merchant);
    const album = await call('POST', '/api/v1/tasks', merchant.token, {
      type: 'video_album',
      inputs: { source: source.id },
    });
    expect(album.status).toBe(201);
    expect(await quota(merchant)).toBe(before - 2);
    const task = await finished(merchant, album.body.tasks[0].id);
    // The merchant sees the generic failure, never FFmpeg's words or our storage keys.
    expect(task).toMatchObject({ status: 'failed', errorCode: 'GENERATION_FAILED' });
    expect(task.errorReason).not.toMatch(/ffmpeg|JPEG|output\//i);
    // The console keeps the reason: FFmpeg Slideshow named the broken image.
    const [row] = (await ledgerDb.query('SELECT error_detail FROM tasks WHERE id = ?', [task.id])) as Array<{
      error_detail: string;
    }>;
    expect(row.error_detail).toContain('Image 5 is not a JPEG, PNG or WebP file');
    expect(await quota(merchant)).toBe(before);
    // Refunded once: one reserve and one refund for this task in the ledger, the balance consistent.
    const rows = (await ledgerDb.query('SELECT kind, delta FROM quota_ledger WHERE task_id = ? ORDER BY kind', [
      task.id,
    ])) as Array<{ kind: string; delta: number }>;
    expect(rows.map((r) => [r.kind, Number(r.delta)])).toEqual([
      ['refund', 2],
      ['reserve', -2],
    ]);
    expect(await ledger.checkInvariant(merchant.userId)).toMatchObject({ ok: true, balance: before });
  });

  it("refuses another merchant's finished task as the source", async () => {
    const other = await signInMerchant(stack);
    const res = await call('POST', '/api/v1/tasks', other.token, { type: 'video_album', inputs: { source: poses.id } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('TASK_NOT_FOUND');
  });
});
