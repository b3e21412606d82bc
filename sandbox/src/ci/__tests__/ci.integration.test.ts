import COS from 'cos-nodejs-sdk-v5';
import sharp from 'sharp';
import { garmentJpeg, pixels } from '../../__tests__/images';
import { BUCKET, postJson, startTestSandbox, TEST_COS, type TestSandbox } from '../../__tests__/test-sandbox';

/** The basic_clean rule chain, verbatim from docs/DEVELOPMENT.md. */
const BASIC_CLEAN_RULE =
  'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/jpg/quality/90';

function picOperations(fileid: string, rule = BASIC_CLEAN_RULE): string {
  return JSON.stringify({ is_pic_info: 1, rules: [{ fileid, rule }] });
}

type Pixels = Awaited<ReturnType<typeof pixels>>;

/** The first and last x of row `y` where the red garment shows (r > 150, g < 100). */
function redSpan(img: Pixels, y: number): { minX: number; maxX: number } {
  let minX = img.width;
  let maxX = 0;
  for (let x = 0; x < img.width; x++) {
    const [r, g] = img.at(x, y);
    if (r > 150 && g < 100) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
    }
  }
  return { minX, maxX };
}

interface ProcessAnswer {
  UploadResult: { OriginalInfo: Record<string, unknown>; ProcessResults: { Object: Record<string, string> } };
}

describe('sandbox CI on real pixels', () => {
  let sandbox: TestSandbox;
  let cos: COS;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    cos = sandbox.cosClient();
  });
  afterAll(() => sandbox.stop());

  async function imageProcess(key: string, ops: string) {
    return cos.request({
      ...BUCKET,
      Method: 'POST',
      Key: key,
      Action: 'image_process',
      Headers: { 'Pic-Operations': ops },
    });
  }

  async function getBytes(key: string): Promise<Buffer> {
    const got = await cos.getObject({ ...BUCKET, Key: key });
    return Buffer.from(got.Body as Buffer);
  }

  /**
   * Stores `photo` at `key` and processes it with one rule into `fileid`: the answer, and the
   * object written (its bytes, metadata and pixels).
   */
  async function processPhoto(key: string, photo: Buffer, fileid: string, rule?: string) {
    await cos.putObject({ ...BUCKET, Key: key, Body: photo, ContentType: 'image/jpeg' });
    const res = (await imageProcess(key, picOperations(fileid, rule))) as ProcessAnswer;
    const out = await getBytes(fileid.replace(/^\//, ''));
    return { result: res.UploadResult, out, meta: await sharp(out).metadata(), img: await pixels(out) };
  }

  it('turns a red garment on a grey backdrop into an 800×800 white-background JPEG, garment centred', async () => {
    const photo = await garmentJpeg({ width: 1200, height: 900, backdrop: '#8c8c8c', top: '#d01818', centerX: 0.38 });
    const { result, out, meta, img } = await processPhoto('input/u1/shirt.jpg', photo, '/output/u1/t1/main.jpg');

    expect(result.OriginalInfo).toMatchObject({
      Key: 'input/u1/shirt.jpg',
      ImageInfo: { Width: '1200', Height: '900' },
    });
    expect(result.ProcessResults.Object).toMatchObject({
      Key: 'output/u1/t1/main.jpg',
      Format: 'jpg',
      Width: '800',
      Height: '800',
    });
    expect(result.ProcessResults.Object.Location).toBe(`127.0.0.1:${sandbox.port}/output/u1/t1/main.jpg`);

    expect(Number(result.ProcessResults.Object.Size)).toBe(out.length);
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 800, 800]);

    for (const [x, y] of [
      [0, 0],
      [799, 0],
      [0, 799],
      [799, 799],
      [40, 400],
      [760, 400],
    ]) {
      const [r, g, b] = img.at(x, y);
      expect(Math.min(r, g, b)).toBeGreaterThanOrEqual(245);
    }
    const [r, g, b] = img.at(400, 400);
    expect(r).toBeGreaterThan(170);
    expect(g).toBeLessThan(70);
    expect(b).toBeLessThan(70);

    // The garment sat at 38 % of the width; centre-layout moves its box to the middle.
    const { minX, maxX } = redSpan(img, 400);
    expect(Math.abs((minX + maxX) / 2 - 400)).toBeLessThan(12);
  });

  it('comes out upright from an EXIF-rotated photo on a coloured backdrop', async () => {
    // Upright: red top half, blue bottom half. Stored turned 90° with EXIF orientation 6.
    const upright = await garmentJpeg({
      width: 600,
      height: 900,
      backdrop: '#3aa0a0',
      top: '#d01818',
      bottom: '#1830d0',
    });
    const stored = await sharp(upright).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
    expect((await sharp(stored).metadata()).width).toBe(900);
    await cos.putObject({ ...BUCKET, Key: 'input/u1/rotated.jpg', Body: stored });

    await imageProcess('input/u1/rotated.jpg', picOperations('/output/u1/t2/main.jpg'));

    const img = await pixels(await getBytes('output/u1/t2/main.jpg'));
    const above = img.at(400, 330);
    const below = img.at(400, 470);
    expect(above[0]).toBeGreaterThan(150);
    expect(above[2]).toBeLessThan(90);
    expect(below[2]).toBeGreaterThan(150);
    expect(below[0]).toBeLessThan(90);
    expect(Math.min(...img.at(5, 5).slice(0, 3))).toBeGreaterThanOrEqual(245);
  });

  it('writes a relative fileid next to the source and answers several rules with several objects', async () => {
    const photo = await garmentJpeg({ width: 500, height: 500, backdrop: '#bbbbbb', top: '#208020' });
    await cos.putObject({ ...BUCKET, Key: 'input/u1/green.jpg', Body: photo });
    const ops = JSON.stringify({
      rules: [
        { fileid: 'green-800.jpg', rule: 'imageView2/1/w/800/h/800/q/90' },
        { fileid: '/output/u1/t3/matte.png', rule: 'ci-process=GoodsMatting' },
      ],
    });
    const res = (await imageProcess('input/u1/green.jpg', ops)) as {
      UploadResult: { ProcessResults: { Object: Array<Record<string, string>> } };
    };
    expect(res.UploadResult.ProcessResults.Object.map((o) => [o.Key, o.Format, o.Width])).toEqual([
      ['input/u1/green-800.jpg', 'jpg', '800'],
      ['output/u1/t3/matte.png', 'png', '500'],
    ]);
    const matte = await pixels(await getBytes('output/u1/t3/matte.png'));
    expect(matte.at(2, 2)[3]).toBe(0);
    expect(matte.at(250, 250)[3]).toBe(255);
  });

  it('output presets: Pinduoduo 750×1000 with a margin on a grey background colour (thumbnail/pad/color)', async () => {
    const photo = await garmentJpeg({ width: 900, height: 1000, backdrop: '#a8a8a8', top: '#d01818', centerX: 0.4 });
    const grey = Buffer.from('#D0D0D0').toString('base64url');
    const rule =
      'imageMogr2/auto-orient|imageView2/1/w/750/h/1000/q/90|ci-process=GoodsMatting&center-layout=1&padding-layout=60x60' +
      `|imageMogr2/thumbnail/750x1000/pad/1/color/${grey}/format/jpg/quality/90`;
    const { result, meta, img } = await processPhoto('input/u1/pdd.jpg', photo, '/output/u1/t5/main.jpg', rule);
    expect(result.ProcessResults.Object).toMatchObject({ Format: 'jpg', Width: '750', Height: '1000' });
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['jpeg', 750, 1000, false]);
    // The matted-out backdrop is the chosen grey, not white and not the photo's own grey.
    for (const [x, y] of [
      [0, 0],
      [749, 999],
      [30, 500],
      [720, 500],
    ]) {
      for (const channel of img.at(x, y).slice(0, 3)) expect(Math.abs(channel - 0xd0)).toBeLessThanOrEqual(4);
    }
    const centre = img.at(375, 500);
    expect(centre[0]).toBeGreaterThan(170);
    expect(centre[1]).toBeLessThan(70);
    // The margin: no garment pixel within 60 px of the left and right edges, garment centred.
    const { minX, maxX } = redSpan(img, 500);
    expect(minX).toBeGreaterThanOrEqual(58);
    expect(maxX).toBeLessThanOrEqual(750 - 58);
    expect(Math.abs((minX + maxX) / 2 - 375)).toBeLessThan(12);
  });

  it('output presets: a transparent PNG keeps the alpha of the matte at the preset size', async () => {
    const photo = await garmentJpeg({ width: 1000, height: 800, backdrop: '#c0c4c8', top: '#2040c0' });
    const rule =
      'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1&padding-layout=40x40|imageMogr2/format/png';
    const { result, meta, img } = await processPhoto('input/u1/clear.jpg', photo, '/output/u1/t6/main.png', rule);
    expect(result.ProcessResults.Object).toMatchObject({ Format: 'png', Width: '800', Height: '800' });
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['png', 800, 800, true]);
    for (const [x, y] of [
      [0, 0],
      [799, 0],
      [0, 799],
      [799, 799],
      [20, 400],
    ])
      expect(img.at(x, y)[3]).toBe(0);
    const centre = img.at(400, 400);
    expect(centre[3]).toBe(255);
    expect(centre[2]).toBeGreaterThan(150);
    expect(centre[0]).toBeLessThan(80);
  });

  it('answers download-time GoodsMatting with a transparent-background PNG', async () => {
    const photo = await garmentJpeg({ width: 640, height: 480, backdrop: '#d8c8a0', top: '#202060', centerX: 0.7 });
    await cos.putObject({ ...BUCKET, Key: 'input/u1/navy.jpg', Body: photo });
    const url = cos.getObjectUrl(
      {
        ...BUCKET,
        Key: 'input/u1/navy.jpg',
        Sign: true,
        Query: { 'ci-process': 'GoodsMatting', 'center-layout': '1' },
      },
      () => undefined,
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const img = await pixels(Buffer.from(await res.arrayBuffer()));
    expect([img.width, img.height]).toEqual([640, 480]);
    expect(img.at(0, 0)[3]).toBe(0);
    expect(img.at(639, 479)[3]).toBe(0);
    const centre = img.at(320, 240);
    expect(centre[3]).toBe(255);
    expect(centre[2]).toBeGreaterThan(centre[0]);
  });

  it('rejects an unknown rule step with a COS-style 400 and writes nothing', async () => {
    await cos.putObject({
      ...BUCKET,
      Key: 'input/u1/any.jpg',
      Body: await garmentJpeg({ width: 100, height: 100, backdrop: '#888', top: '#f00' }),
    });
    await expect(
      imageProcess(
        'input/u1/any.jpg',
        picOperations('/output/u1/t4/x.jpg', 'imageMogr2/auto-orient|watermark/1/image/abc'),
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidArgument',
    });
    await expect(cos.headObject({ ...BUCKET, Key: 'output/u1/t4/x.jpg' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses a Pic-Operations header that is not part of the signature', async () => {
    const auth = COS.getAuthorization({
      SecretId: TEST_COS.secretId,
      SecretKey: TEST_COS.secretKey,
      Method: 'post',
      Pathname: '/input/u1/any.jpg',
      Query: { image_process: '' },
      Headers: { host: `127.0.0.1:${sandbox.port}` },
    });
    const res = await fetch(`${sandbox.url}/input/u1/any.jpg?image_process`, {
      method: 'POST',
      headers: { Authorization: auth, 'Pic-Operations': picOperations('/output/u1/t5/x.jpg') },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('fails the next scripted CI call, then works again, counting the calls', async () => {
    await postJson(`${sandbox.url}/sandbox/reset`, {});
    const script = await postJson(`${sandbox.url}/sandbox/ci/script`, { outcome: 'fail', times: 1 });
    expect(script.status).toBe(200);

    await expect(imageProcess('input/u1/any.jpg', picOperations('/output/u1/t6/main.jpg'))).rejects.toMatchObject({
      statusCode: 400,
      code: 'ImageProcessFailed',
    });
    await imageProcess('input/u1/any.jpg', picOperations('/output/u1/t6/main.jpg'));
    const calls = (await (await fetch(`${sandbox.url}/sandbox/calls`)).json()) as { calls: Record<string, number> };
    expect(calls.calls).toEqual({ 'ci:image_process': 2 });
  });
});
