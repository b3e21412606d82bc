import { CosError } from '../../cos/cos-errors';
import { parseRule } from '../rules';

describe('parseRule', () => {
  it('parses the basic_clean chain of docs/DEVELOPMENT.md into ordered steps', () => {
    expect(
      parseRule(
        'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/jpg/quality/90',
      ),
    ).toEqual([
      { op: 'auto-orient' },
      { op: 'view', mode: 1, width: 800, height: 800 },
      { op: 'quality', quality: 90 },
      { op: 'matting', centerLayout: true },
      { op: 'format', format: 'jpg' },
      { op: 'quality', quality: 90 },
    ]);
  });

  it('reads GoodsMatting padding-layout and imageView2 mode 2 with a format', () => {
    expect(parseRule('ci-process=GoodsMatting&center-layout=1&padding-layout=20x40')).toEqual([
      { op: 'matting', centerLayout: true, padding: { x: 20, y: 40 } },
    ]);
    expect(parseRule('imageView2/2/w/300/h/200/format/png')).toEqual([
      { op: 'view', mode: 2, width: 300, height: 200 },
      { op: 'format', format: 'png' },
    ]);
  });

  it('reads the background-colour step of the output presets: thumbnail/<W>x<H>/pad/1/color/<base64>', () => {
    const grey = Buffer.from('#D0E0F0').toString('base64url');
    expect(parseRule(`imageMogr2/thumbnail/750x1000/pad/1/color/${grey}/format/jpg/quality/90`)).toEqual([
      { op: 'thumbnail', width: 750, height: 1000, pad: true, color: [0xd0, 0xe0, 0xf0] },
      { op: 'format', format: 'jpg' },
      { op: 'quality', quality: 90 },
    ]);
    expect(parseRule('imageMogr2/thumbnail/300x200')).toEqual([
      { op: 'thumbnail', width: 300, height: 200, pad: false, color: [255, 255, 255] },
    ]);
  });

  it.each([
    ['watermark/1/image/abc', 'unsupported rule step'],
    ['imageMogr2/thumbnail/100x', 'unsupported thumbnail geometry'],
    ['imageMogr2/rotate/90', 'unsupported imageMogr2 operation'],
    ['imageMogr2/pad/1', 'pad must follow thumbnail'],
    ['imageMogr2/thumbnail/100x100/pad/1/color/I0ZGRg', 'color must be'],
    ['imageMogr2/thumbnail/100x100/pad/2', 'pad must follow thumbnail and be 0 or 1'],
    ['imageView2/3/w/100/h/100', 'unsupported imageView2 mode'],
    ['imageView2/1/w/0/h/100', 'w must be'],
    ['imageMogr2/format/bmp', 'unsupported format'],
    ['imageMogr2/quality/101', 'quality must be'],
    ['ci-process=GoodsMatting&center-layout=2', 'center-layout'],
    ['ci-process=GoodsMatting&foo=1', 'unsupported GoodsMatting parameter'],
    ['ci-process=AIImageCrop', 'unsupported ci-process'],
    ['', 'rule is empty'],
  ])('rejects %p with a COS 400 InvalidArgument', (rule, message) => {
    let error: unknown;
    try {
      parseRule(rule);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CosError);
    expect(error).toMatchObject({ status: 400, code: 'InvalidArgument', message: expect.stringContaining(message) });
  });
});
