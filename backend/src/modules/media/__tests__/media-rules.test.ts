import sharp from 'sharp';
import { testConfig as loadConfig } from '../../../testing/test-config';
import { inputKey, outputPrefix } from '../media.config';
import { sniffImage } from '../media.service';
import { createStorageService } from '../storage.service';
import { attachmentHeader, safeEntryName } from '../zip.service';

const image = (format: 'jpeg' | 'png' | 'webp' | 'gif', width = 40, height = 20) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .toFormat(format)
    .toBuffer();

describe('sniffImage', () => {
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
