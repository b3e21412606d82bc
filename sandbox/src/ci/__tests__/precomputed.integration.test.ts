import type COS from 'cos-nodejs-sdk-v5';
import sharp from 'sharp';
import { garmentJpeg } from '../../__tests__/images';
import { BUCKET, startTestSandbox, type TestSandbox } from '../../__tests__/test-sandbox';
import type { CiMode } from '../precomputed';

const BASIC_CLEAN_RULE =
  'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/jpg/quality/90';

interface UploadResult {
  OriginalInfo: { ImageInfo: { Width: string; Height: string } };
  ProcessResults: { Object: { Key: string; Width: string; Height: string; Size: string; ETag: string } };
}

/** Two different garment photos through the basic_clean rule; the two results as COS reports them. */
async function cleanTwoPhotos(mode: CiMode): Promise<Array<UploadResult & { bytes: Buffer }>> {
  const sandbox: TestSandbox = await startTestSandbox({ ciMode: mode });
  try {
    const cos: COS = sandbox.cosClient();
    const photos = [
      await garmentJpeg({ width: 1200, height: 900, backdrop: '#8c8c8c', top: '#d01818' }),
      await garmentJpeg({ width: 700, height: 1000, backdrop: '#a0a0a0', top: '#1830d0', centerX: 0.4 }),
    ];
    const results = [];
    for (const [i, photo] of photos.entries()) {
      await cos.putObject({ ...BUCKET, Key: `input/u1/p${i}.jpg`, Body: photo, ContentType: 'image/jpeg' });
      const res = (await cos.request({
        ...BUCKET,
        Method: 'POST',
        Key: `input/u1/p${i}.jpg`,
        Action: 'image_process',
        Headers: {
          'Pic-Operations': JSON.stringify({
            is_pic_info: 1,
            rules: [{ fileid: `/output/u1/t${i}/main.jpg`, rule: BASIC_CLEAN_RULE }],
          }),
        },
      })) as { UploadResult: UploadResult };
      const got = await cos.getObject({ ...BUCKET, Key: `output/u1/t${i}/main.jpg` });
      results.push({ ...res.UploadResult, bytes: Buffer.from(got.Body as Buffer) });
    }
    return results;
  } finally {
    await sandbox.stop();
  }
}

describe('sandbox CI precomputed mode', () => {
  it('answers every photo with the same stored result, in the same protocol as real pixel work', async () => {
    const [a, b] = await cleanTwoPhotos('precomputed');
    // Same protocol: the result is written at the asked key and described truthfully.
    for (const [i, r] of [a, b].entries()) {
      expect(r.ProcessResults.Object).toMatchObject({ Key: `output/u1/t${i}/main.jpg`, Width: '800', Height: '800' });
      expect(Number(r.ProcessResults.Object.Size)).toBe(r.bytes.length);
      const meta = await sharp(r.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 800, 800]);
    }
    // The source is still described as it is (its header is read, its pixels are not worked on).
    expect(a.OriginalInfo.ImageInfo).toMatchObject({ Width: '1200', Height: '900' });
    expect(b.OriginalInfo.ImageInfo).toMatchObject({ Width: '700', Height: '1000' });
    // One precomputed result per rule, whatever the input.
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(b.ProcessResults.Object.ETag).toBe(a.ProcessResults.Object.ETag);
  });

  it('differs from pixel mode, where each photo gets its own result', async () => {
    const [a, b] = await cleanTwoPhotos('pixels');
    expect(b.bytes.equals(a.bytes)).toBe(false);
  });
});
