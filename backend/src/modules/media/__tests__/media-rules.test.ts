import sharp from 'sharp';
import { testConfig as loadConfig } from '../../../testing/test-config';
import { blackPng } from '../../../testing/images';
import { inputKey, outputPrefix } from '../media.config';
import { inspectImage } from '../media.service';
import { createStorageService } from '../storage.service';
import { attachmentHeader, safeEntryName } from '../zip.service';

const image = (format: 'jpeg' | 'png' | 'webp' | 'gif', width = 40, height = 20) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .toFormat(format)
    .toBuffer();

const LIMITS = { maxPixels: 40_000_000 };
const sniffImage = (bytes: Buffer) => inspectImage(bytes, LIMITS);

describe('inspectImage', () => {
  it.each([
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
  ] as const)('accepts %s by its bytes and reports its size', async (format, mime) => {
    await expect(sniffImage(await image(format))).resolves.toEqual({ format, mime, width: 40, height: 20 });
  });

  it('refuses other image formats with 415', async () => {
    await expect(sniffImage(await image('gif'))).rejects.toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('refuses text whatever the file is called', async () => {
    await expect(sniffImage(Buffer.from('just some text, named photo.jpg'))).rejects.toMatchObject({ status: 415 });
  });

  it('refuses a JPEG header with a truncated body', async () => {
    const jpeg = await image('jpeg');
    await expect(sniffImage(jpeg.subarray(0, 8))).rejects.toMatchObject({ status: 415 });
  });

  it.each(['png', 'jpeg'] as const)(
    'refuses a %s whose header is whole but whose pixel data is cut off with 400 IMAGE_CORRUPT',
    async (format) => {
      // Noise, so the pixel data is most of the file and the cut lands inside it.
      const noise = Buffer.from(Array.from({ length: 200 * 150 * 3 }, (_, i) => (i * 7919) % 251));
      const whole = await sharp(noise, { raw: { width: 200, height: 150, channels: 3 } })
        .toFormat(format)
        .toBuffer();
      await expect(sniffImage(whole)).resolves.toMatchObject({ format, width: 200, height: 150 });
      const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
      await expect(sharp(truncated).metadata()).resolves.toMatchObject({ width: 200, height: 150 }); // the header alone passes
      await expect(sniffImage(truncated)).rejects.toMatchObject({
        status: 400,
        code: 'IMAGE_CORRUPT',
        message: expect.stringMatching(/truncated or damaged/),
      });
    },
  );

  it('refuses a cut-off WebP too (its RIFF header names the full length, so already as unreadable)', async () => {
    const whole = await image('webp', 200, 150);
    await expect(sniffImage(whole.subarray(0, Math.floor(whole.length * 0.6)))).rejects.toMatchObject({ status: 415 });
  });

  it('refuses a 10000×10000 PNG (100 Mpx in ~100 KB) by its header, before decoding it', async () => {
    const bomb = blackPng(10_000, 10_000);
    expect(bomb.length).toBeLessThan(200_000);
    await expect(sharp(bomb).metadata()).resolves.toMatchObject({ format: 'png', width: 10_000, height: 10_000 });
    await expect(sniffImage(bomb)).rejects.toMatchObject({ status: 413, code: 'IMAGE_TOO_MANY_PIXELS' });
  });

  it('takes the pixel cap from its limits: exactly at it passes, one row more does not', async () => {
    const at = blackPng(100, 50);
    await expect(inspectImage(at, { maxPixels: 5000 })).resolves.toMatchObject({ width: 100, height: 50 });
    const over = blackPng(100, 51);
    await expect(inspectImage(over, { maxPixels: 5000 })).rejects.toMatchObject({ code: 'IMAGE_TOO_MANY_PIXELS' });
  });

  it('reports the displayed size of a photo rotated by EXIF', async () => {
    const rotated = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#fff' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    await expect(sniffImage(rotated)).resolves.toMatchObject({ width: 20, height: 40 });
  });
});

describe('storage keys', () => {
  it('builds input and output keys from the documented layout', () => {
    expect(inputKey('u-1', 'ab'.repeat(32), 'jpeg')).toBe(`input/u-1/${'ab'.repeat(32)}.jpg`);
    expect(outputPrefix('u-1', 't-1')).toBe('output/u-1/t-1/');
  });

  it('refuses ids that would escape the prefix', () => {
    expect(() => inputKey('../x', 'a', 'png')).toThrow();
    expect(() => outputPrefix('u', 't/..')).toThrow();
  });
});

describe('ZIP naming', () => {
  it('keeps archive paths inside the extraction folder', () => {
    expect(safeEntryName('../../etc/passwd')).toBe('etc/passwd');
    expect(safeEntryName('/abs\\win/01.png')).toBe('abs/win/01.png');
    expect(safeEntryName('..')).toBe('file');
  });

  it('sends an ASCII fallback and the UTF-8 file name', () => {
    expect(attachmentHeader('批次 "1".zip')).toBe(
      `attachment; filename="__ _1_.zip"; filename*=UTF-8''${encodeURIComponent('批次 "1".zip')}`,
    );
    expect(attachmentHeader("it's.zip")).toContain("filename*=UTF-8''it%27s.zip");
  });
});

// Live vendors count as deployed: their secrets must be strong.
const STRONG = {
  JWT_SECRET: 'rT5yU8iO1pA4sD7fG0hJ3kL6zX9cV2bN',
  N8N_SHARED_SECRET: 'qW3eR6tY9uI2oP5aS8dF1gH4jK7lZ0xC',
};

describe('storage configuration', () => {
  it('defaults to the sandbox development bucket and keys in sandbox mode', () => {
    const { storage } = loadConfig({});
    expect(storage).toMatchObject({
      secretId: 'AKIDsandboxLocalOnly',
      secretKey: 'sandbox-local-only-secret-key',
      bucket: 'aiphoto-1250000000',
      region: 'ap-guangzhou',
      appId: '1250000000',
      stsDurationSeconds: 1800,
      uploadMaxBytes: 20 * 1024 * 1024,
    });
  });

  it('follows the keys the sandbox was started with', () => {
    const { storage } = loadConfig({ SANDBOX_COS_SECRET_ID: 'AKIDother', SANDBOX_COS_SECRET_KEY: 'other-key' });
    expect(storage).toMatchObject({ secretId: 'AKIDother', secretKey: 'other-key' });
  });

  it('refuses STS durations over 30 minutes and malformed buckets', () => {
    expect(() => loadConfig({ COS_STS_DURATION_SECONDS: '3600' })).toThrow(/COS_STS_DURATION_SECONDS/);
    expect(() => loadConfig({ COS_BUCKET: 'no-appid' })).toThrow(/COS_BUCKET/);
  });

  it('names the missing settings when live storage is not configured', () => {
    expect(() =>
      createStorageService(loadConfig({ VENDOR_MODE: 'live', COS_BUCKET: 'p-1250000000', ...STRONG })),
    ).toThrow(/COS_SECRET_ID, COS_SECRET_KEY/);
  });
});
